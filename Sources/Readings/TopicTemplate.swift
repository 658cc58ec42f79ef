/// The configured shape of device topics, e.g. `factory/{site}/{line}/{device}/{sensor}`.
///
/// Each placeholder (`{site}`, `{line}`, `{device}`, `{sensor}`) is a whole `/`-separated segment;
/// other segments are literals that must match exactly. `{device}` is required. A template
/// without `{site}` takes the edge's `defaultSite`; one without `{line}` uses line `"default"`.
/// When the template ends with `{sensor}`, a topic one segment shorter is the device-level form,
/// whose payload names its sensors.
///
/// ```swift
/// let template = try TopicTemplate("factory/{site}/{line}/{device}/{sensor}")
/// template.subscriptionFilter  // "factory/+/+/+/#"
/// ```
public struct TopicTemplate: Sendable, CustomStringConvertible {
    /// The template used when none is configured.
    public static let defaultTemplate = "factory/{site}/{line}/{device}/{sensor}"
    /// The line of every series when the template has no `{line}`.
    public static let defaultLineName = "default"

    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case site, line, device, sensor
    }

    /// The template text as configured.
    public let template: String
    /// The site of every series when the template has no `{site}`.
    public let defaultSite: String
    let segments: [Segment]
    let defaultSiteBytes: [UInt8]
    let defaultLineBytes: [UInt8] = Array(Self.defaultLineName.utf8)

    /// Parses and checks a template.
    /// - Parameters:
    ///   - template: segments separated by `/`, placeholders as whole segments.
    ///   - defaultSite: the site for templates without `{site}` (the edge's configured site).
    /// - Throws: ``TopicTemplateError`` naming the segment at fault.
    public init(_ template: String = TopicTemplate.defaultTemplate, defaultSite: String = "") throws(TopicTemplateError) {
        func fail(_ code: TopicTemplateError.Code, _ index: Int? = nil, _ text: Substring = "") -> TopicTemplateError {
            TopicTemplateError(code: code, template: template, segment: index.map { ($0 + 1, String(text)) })
        }
        var segments: [Segment] = []
        for (index, text) in template.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if text.isEmpty { throw fail(.emptySegment, index, text) }
            let segment: Segment
            switch text {
            case "{site}": segment = .site
            case "{line}": segment = .line
            case "{device}": segment = .device
            case "{sensor}": segment = .sensor
            default:
                if text.first == "{" && text.last == "}" { throw fail(.unknownPlaceholder, index, text) }
                if text.contains("{") || text.contains("}") { throw fail(.placeholderNotWholeSegment, index, text) }
                if text.contains("+") || text.contains("#") { throw fail(.wildcardInLiteral, index, text) }
                segment = .literal(Array(text.utf8))
            }
            if case .literal = segment {} else if segments.contains(segment) {
                throw fail(.duplicatePlaceholder, index, text)
            }
            segments.append(segment)
        }
        guard segments.contains(.device) else { throw fail(.missingDevice) }
        if !segments.contains(.site) && defaultSite.isEmpty { throw fail(.missingDefaultSite) }
        self.template = template
        self.defaultSite = defaultSite
        self.segments = segments
        self.defaultSiteBytes = Array(defaultSite.utf8)
    }

    /// Whether topics one segment shorter than the template are accepted as device-level topics.
    public var hasDeviceLevelForm: Bool { segments.last == .sensor }

    /// The MQTT filter that receives every topic this template can match.
    ///
    /// Placeholders become `+`; a trailing `{sensor}` becomes `#`, which also matches its parent
    /// level and so covers the device-level form with one subscription. Deeper topics that `#`
    /// lets through are rejected as `topic_shape`, which is counted, not silently lost.
    public var subscriptionFilter: String {
        var parts: [String] = segments.map {
            if case .literal(let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { "+" }
        }
        if hasDeviceLevelForm { parts[parts.count - 1] = "#" }
        return parts.joined(separator: "/")
    }

    public var description: String { template }
}
