internal import Yams

extension Scenario {
    static let topLevelKeys = [
        "name", "seed", "topic_template", "qos", "rate", "duration", "kinds", "sites", "hazards", "faults",
    ]

    /// Parses and validates a scenario.
    ///
    /// - Parameters:
    ///   - yaml: the scenario text.
    ///   - file: the name used in errors (`seoul.yaml`, or the built-in's name).
    /// - Throws: ``ScenarioError`` naming file, line and key, e.g.
    ///   `seoul.yaml:14: sites[0].lines[1].devices[0].count: expected an integer ≥ 1, got "many"`.
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ScenarioError(yamlError: error, file: file)
        } catch {
            throw ScenarioError(file: file, line: nil, key: "", message: "not YAML: \(error)")
        }
        guard let root else { throw ScenarioError(file: file, line: nil, key: "", message: "the file is empty") }
        let top = try YAMLField(node: root, path: "", file: file).members(
            allowed: topLevelKeys, required: ["name", "kinds", "sites"])

        let kinds = try DeviceKind.parseAll(try top.required("kinds"))
        let template = try top["topic_template"].map { field throws(ScenarioError) in
            try TopicShape.check(try field.string(), kinds: kinds, field: field)
        } ?? TopicShape.defaultTemplate
        var scenario = Scenario(
            name: try top.required("name").topicSegment(),
            seed: try top["seed"].map { field throws(ScenarioError) in
                guard case .scalar(let scalar) = field.node, let seed = UInt64(scalar.string.trimmed) else {
                    throw field.error("expected an integer in 0…\(UInt64.max), got \(field.shown)")
                }
                return seed
            } ?? 1,
            topicTemplate: template,
            qos: try top["qos"]?.integer(0...2) ?? 1,
            rate: try top["rate"].map(parseRate) ?? .perDevice(1),
            duration: try top["duration"]?.seconds() ?? 30,
            kinds: kinds,
            sites: try SiteSpec.parseAll(try top.required("sites"), kinds: kinds),
            hazards: [],
            faults: try top["faults"].map(FaultSpec.parse) ?? .none,
            file: file)
        if let hazards = top["hazards"] {
            scenario.hazards = try HazardSpec.parseAll(hazards, in: scenario)
        }
        return scenario
    }

    private static func parseRate(_ field: YAMLField) throws(ScenarioError) -> RateSpec {
        let members = try field.members(allowed: ["per_device", "total"])
        switch (members["per_device"], members["total"]) {
        case (let perDevice?, nil): return .perDevice(try perDevice.rate())
        case (nil, let total?): return .total(try total.rate())
        default: throw field.error("expected exactly one of per_device (readings/s per sensor) or total")
        }
    }
}

extension ScenarioError {
    /// Keeps the line of a YAML syntax error.
    init(yamlError: YamlError, file: String) {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            self.init(file: file, line: mark.line, key: "", message: "invalid YAML: \(problem)")
        default:
            self.init(file: file, line: nil, key: "", message: "invalid YAML: \(yamlError)")
        }
    }
}
