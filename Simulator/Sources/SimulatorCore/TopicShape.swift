/// Checks topic templates against the payload shapes that use them and renders topics.
enum TopicShape {
    static let defaultTemplate = "factory/{site}/{line}/{device}/{sensor}"
    private static let placeholders: Set<Substring> = ["{site}", "{line}", "{device}", "{sensor}"]

    /// Validates `template` for `kinds`: placeholders are whole segments, `{device}` is present,
    /// `{sensor}` if present is last, and it is present when a kind sends per-sensor messages.
    static func check(_ template: String, kinds: [DeviceKind], field: YAMLField) throws(ScenarioError) -> String {
        let segments = template.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            if segment.isEmpty { throw field.error("empty topic segment in \"\(template)\"") }
            if segment.contains("+") || segment.contains("#") { throw field.error("wildcards are not allowed in \"\(template)\"") }
            if (segment.contains("{") || segment.contains("}")) && !placeholders.contains(segment) {
                throw field.error("unknown placeholder or placeholder not a whole segment: \"\(segment)\"")
            }
        }
        guard segments.contains("{device}") else { throw field.error("the template needs a {device} segment") }
        if let index = segments.firstIndex(of: "{sensor}"), index != segments.count - 1 {
            throw field.error("{sensor} must be the last segment")
        }
        if !segments.contains("{sensor}"),
            let kind = kinds.first(where: { $0.payload != .deviceObject })
        {
            throw field.error("kind \(kind.name) sends per-sensor messages (\(kind.payload.rawValue)): the template needs {sensor}")
        }
        return template
    }

    /// The topic for one sensor (`sensor` non-nil) or the device-level topic (`sensor` nil).
    static func render(_ template: String, site: String, line: String, device: String, sensor: String?) -> String {
        var segments: [String] = []
        for segment in template.split(separator: "/") {
            switch segment {
            case "{site}": segments.append(site)
            case "{line}": segments.append(line)
            case "{device}": segments.append(device)
            case "{sensor}": if let sensor { segments.append(sensor) }
            default: segments.append(String(segment))
            }
        }
        return segments.joined(separator: "/")
    }
}
