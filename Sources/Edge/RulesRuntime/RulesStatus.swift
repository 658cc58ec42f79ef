import Foundation

/// What `/api/v1/rules` reports: which file, which rules, and how the last (re)load went.
struct RulesStatus: Sendable, Encodable {
    struct RuleSummary: Sendable, Encodable {
        var name: String
        var severity: String
        var when: String
        var clear: String?
        var holdMillis: Int64
        var match: [String: String]
        var actions: [String]

        enum CodingKeys: String, CodingKey {
            case name, severity, when, clear, match, actions
            case holdMillis = "for_ms"
        }
    }

    var path: String?
    /// A digest of the rule file in force (``Readings/ContentDigest``); empty without rules.
    var version: String = ""
    var loadedAt: String?
    /// `loadedAt` as epoch milliseconds (for the status report; not in the JSON).
    var loadedAtMillis: Int64?
    var rules: [RuleSummary]
    var reloads: Int
    var failedReloads: Int
    /// The errors of the last load that failed while older rules kept running; nil once a load succeeds.
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case path, rules, reloads, version
        case loadedAt = "loaded_at"
        case failedReloads = "failed_reloads"
        case lastError = "last_error"
    }
}
