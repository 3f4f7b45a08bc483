import Foundation
import TandemCore
import TandemOrchestrator

/// One predefined plan: the planner's fallback when the model's plans do not validate.
public struct PlanTemplate: Sendable {
    /// The file name without `.json` (`receipt_pipeline`).
    public var name: String
    /// The plan JSON.
    public var json: JSONValue
    /// Words and phrases that select it.
    public var keywords: [String]

    /// Creates a template.
    public init(name: String, json: JSONValue, keywords: [String]) {
        self.name = name
        self.json = json
        self.keywords = keywords
    }
}

/// The predefined plans of a directory (`examples/plans/*.json`) and the keyword rules that pick
/// one for a request (`templates.keywords.json`: `{name: [keywords]}`, in preference order).
public struct PlanTemplateLibrary: Sendable {
    /// Templates in keyword-file order (the first is the default when no keyword matches).
    public let templates: [PlanTemplate]

    /// A library over templates already in memory.
    public init(templates: [PlanTemplate]) { self.templates = templates }

    /// Reads `directory/templates.keywords.json` and each template it names.
    public init(directory: String) throws(PlannerError) {
        let keywordsPath = directory + "/templates.keywords.json"
        let index = try Self.readJSON(keywordsPath)
        guard let pairs = index.objectValue, !pairs.isEmpty else {
            throw .templates(keywordsPath, "expected {template name: [keywords]} with at least one template")
        }
        var templates: [PlanTemplate] = []
        for (name, words) in pairs {
            guard let list = words.arrayValue?.compactMap(\.stringValue) else {
                throw .templates(keywordsPath, "'\(name)' must map to a list of keyword strings")
            }
            templates.append(PlanTemplate(name: name, json: try Self.readJSON("\(directory)/\(name).json"), keywords: list))
        }
        self.templates = templates
    }

    /// The template whose keywords occur most often in `request` (whole words, case-insensitive);
    /// the first template when none matches.
    public func select(for request: String) -> PlanTemplate? {
        let text = " " + Self.words(request) + " "
        var best: (template: PlanTemplate, hits: Int)?
        for template in templates {
            let hits = template.keywords.filter { text.contains(" " + Self.words($0) + " ") }.count
            if hits > (best?.hits ?? 0) { best = (template, hits) }
        }
        return best?.template ?? templates.first
    }

    /// The template called `name`.
    public func template(named name: String) -> PlanTemplate? { templates.first { $0.name == name } }

    /// Lower-case letters and digits, every other run of characters one space.
    static func words(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ").joined(separator: " ")
    }

    private static func readJSON(_ path: String) throws(PlannerError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw .templates(path, "\(error)")
        }
    }
}
