import ConfigFile
import Foundation

extension EdgeConfiguration {
    /// Reads `forward:`. Without the section (and without any `HAETAE_FORWARD_…` variable) the
    /// edge forwards nothing, as before forwarding existed.
    static func readForward(
        _ reader: inout ConfigReader, baseDirectory: String, environment: [String: String]
    ) throws(ConfigError) -> ForwardSettings? {
        let fromEnvironment = environment.keys.contains { $0.hasPrefix("HAETAE_FORWARD_") && $0 != "HAETAE_FORWARD_TOKEN" }
        guard reader.contains("forward") || fromEnvironment else { return nil }

        let urls = try reader.list("forward.urls", default: [])
        guard !urls.isEmpty else {
            throw reader.error("forward.urls", "required: the core's base URL(s), e.g. [\"http://core.daejeon:8080\"]")
        }
        var normalized: [String] = []
        for url in urls {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                let host = parsed.host, !host.isEmpty, parsed.query == nil, parsed.fragment == nil, parsed.user == nil
            else {
                throw reader.error("forward.urls", "expected http:// or https:// base URLs without query or credentials, got \"\(url)\"")
            }
            var base = url
            while base.hasSuffix("/") { base.removeLast() }
            guard !normalized.contains(base) else { throw reader.error("forward.urls", "\"\(url)\" is listed twice") }
            normalized.append(base)
        }

        if reader.contains("forward.token") {
            // The value is never echoed.
            throw reader.error("forward.token", "a token is not accepted in the config file; put it in a file (token_file) or a variable (token_env)")
        }
        let tokenFile = try reader.string("forward.token_file", default: "")
        let tokenEnv = try reader.string("forward.token_env", default: "")
        let token: String
        switch (tokenFile.isEmpty, tokenEnv.isEmpty) {
        case (false, true):
            let file = resolve(tokenFile, against: baseDirectory)
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw reader.error("forward.token_file", "cannot read \(file) (\(Self.describe(error)))")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw reader.error("forward.token_file", "\(file) is empty") }
            if let problem = ConfigValues.placeholderProblem(token) { throw reader.error("forward.token_file", "\(file) \(problem)") }
        case (true, false):
            guard let value = environment[tokenEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw reader.error("forward.token_env", "the variable \(tokenEnv) is not set")
            }
            if let problem = ConfigValues.placeholderProblem(value) { throw reader.error("forward.token_env", "\(tokenEnv) \(problem)") }
            token = value
        case (false, false):
            throw reader.error("forward.token_file", "give token_file or token_env, not both")
        case (true, true):
            throw reader.error("forward.token_file", "required: token_file (or token_env) holding this edge's bearer token for the core")
        }
        // A header value cannot carry control characters or spaces; say so without echoing it.
        guard token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw reader.error(tokenFile.isEmpty ? "forward.token_env" : "forward.token_file",
                               "the token must be printable ASCII without spaces (\(token.count) characters read)")
        }

        let initial = try reader.duration("forward.backoff.initial", default: .milliseconds(500), minimum: .milliseconds(1))
        // 10 s: after an outage the edge notices the core is back within seconds (one probe request per
        // interval costs the WAN nothing); a longer cap left a drained-in-6-s backlog waiting ~1 min.
        let maximum = try reader.duration("forward.backoff.max", default: .seconds(10), minimum: .milliseconds(1))
        guard maximum >= initial else {
            throw reader.error("forward.backoff.max", "must be at least forward.backoff.initial (\(initial))")
        }
        let tls = try reader.clientTLSFiles("forward.tls", base: baseDirectory)
        if tls != nil && !normalized.contains(where: { $0.hasPrefix("https://") }) {
            throw reader.error("forward.tls", "TLS files are set but no forward.urls is https://")
        }
        return ForwardSettings(
            urls: normalized, token: token,
            inFlight: try reader.int("forward.in_flight", default: 4, range: 1...64),
            timeout: try reader.duration("forward.timeout", default: .seconds(10), minimum: .milliseconds(10), maximum: .seconds(600)),
            maxRate: try reader.int("forward.max_rate", default: 0, range: 0...100_000_000),
            backoffInitial: initial, backoffMax: maximum, tls: tls,
            suppressionsInterval: try reader.duration(
                "forward.suppressions_interval", default: .seconds(5), minimum: .milliseconds(100), maximum: .seconds(3_600)),
            statusInterval: try reader.duration(
                "forward.status_interval", default: .seconds(5), minimum: .milliseconds(100), maximum: .seconds(3_600)))
    }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
