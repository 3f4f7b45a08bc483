/// Why teaching, saving, loading or running a taught classifier failed.
public enum ClassifierError: Error, CustomStringConvertible, Equatable {
    /// The example file held no usable rows.
    case noExamples(path: String)
    /// Every example carries the same label, so there is nothing to tell apart.
    case singleLabel(String)
    /// A row lacks the label field (or it is not a string).
    case missingField(path: String, line: Int, field: String)
    /// The classifier was taught with another model file.
    case modelMismatch(classifierSHA256: String, modelSHA256: String)
    /// The classifier file could not be read as one.
    case corruptFile(path: String, reason: String)
    /// A method needs something the caller did not give (an engine, enough rows).
    case methodUnavailable(ClassifierMethod, reason: String)
    /// A parameter is out of range.
    case invalidParameter(name: String, reason: String)

    public var description: String {
        switch self {
        case .noExamples(let path):
            "no labelled examples in \(path); give a JSONL file with one {text, label} object per line"
        case .singleLabel(let label):
            "every example is labelled '\(label)'; teaching needs at least two labels"
        case .missingField(let path, let line, let field):
            "\(path):\(line): no string field '\(field)'; check --text-field / --label-field"
        case .modelMismatch(let taught, let given):
            "the classifier was taught with model sha256 \(taught) but this model is sha256 \(given); "
                + "load the same model (-m) or teach again with this one"
        case .corruptFile(let path, let reason):
            "\(path) is not a readable classifier file (\(reason)); teach it again with `tandem teach`"
        case .methodUnavailable(let method, let reason):
            "method \(method.rawValue) cannot run: \(reason)"
        case .invalidParameter(let name, let reason):
            "\(name) \(reason)"
        }
    }
}
