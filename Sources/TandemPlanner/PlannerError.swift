/// Why no plan could be made.
public enum PlannerError: Error, Sendable, CustomStringConvertible {
    /// The template directory or one of its files is missing or malformed.
    case templates(String, String)
    /// Every model plan failed and the chosen template does not validate either.
    case noValidPlan(template: String, reason: String)
    /// No templates are available and the model's plans failed.
    case noTemplates

    /// What went wrong and what to do next.
    public var description: String {
        switch self {
        case .templates(let path, let reason):
            "plan templates: \(path): \(reason); restore examples/plans/ or set planner.templates in tandem.yaml"
        case .noValidPlan(let template, let reason):
            "no valid plan: the model's plans failed and template '\(template)' does not validate: \(reason)"
        case .noTemplates:
            "no valid plan: the model's plans failed and there are no templates; set planner.templates in tandem.yaml"
        }
    }
}
