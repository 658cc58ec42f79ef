#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

extension Scenario {
    /// Reads and parses a scenario file; errors name the file by its last path component.
    /// - Throws: ``ScenarioError`` when the file cannot be read or is invalid.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let (name, data) = try ScenarioError.readFile(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: name, line: nil, key: "", message: "not UTF-8 text")
        }
        return try parse(yaml: text, file: name)
    }

    /// A built-in scenario by name, or the file at `nameOrPath`.
    public static func resolve(_ nameOrPath: String) throws(ScenarioError) -> Scenario {
        if let text = BuiltinScenarios.named(nameOrPath) { return try parse(yaml: text, file: nameOrPath) }
        return try load(path: nameOrPath)
    }
}

extension ScenarioError {
    /// The file's bytes and the name errors use for it (its last path component).
    static func readFile(_ path: String) throws(ScenarioError) -> (name: String, data: Data) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        do {
            return (name, try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ScenarioError(file: name, line: nil, key: "", message: "cannot read \(path)")
        }
    }
}
