/// The site broker's identities (`identity,role,subtree`, as `Deploy/security/make-identities`
/// reads and writes them), and which identity publishes for which simulated device.
///
/// The secure broker lets an identity publish only under its subtree, so the simulator must
/// send each device's messages on the connection of an identity that covers it: a `device`
/// identity for that device, or a `line` gateway for its line. The most specific one wins.
///
/// ```swift
/// let identities = try BrokerIdentities(csv: text, file: "identities.csv")
/// let shares = try identities.assign(plan.devices)   // one connection per identity
/// ```
public struct BrokerIdentities: Sendable, Equatable {
    /// What an identity may do at the broker.
    public enum Role: String, Sendable, CaseIterable {
        case device, line, edge, observer
    }

    /// One identity of the list.
    public struct Identity: Sendable, Equatable {
        public var name: String
        public var role: Role
        /// Topic levels it publishes under (`factory/seoul/press`), without a trailing `/`.
        public var subtree: String

        public init(name: String, role: Role, subtree: String) {
            self.name = name
            self.role = role
            self.subtree = subtree
        }
    }

    /// At most this many identities in one list (as make-identities).
    public static let maxIdentities = 100_000

    public private(set) var identities: [Identity]

    public init(_ identities: [Identity]) {
        self.identities = identities
    }

    /// Parses the CSV; errors name the file and line.
    public init(csv text: String, file: String) throws(IdentityListError) {
        var identities: [Identity] = []
        var seen: [String: Int] = [:]
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Self.trimmed($0) }
            if fields == ["identity", "role", "subtree"] { continue }
            guard fields.count == 3 else {
                throw IdentityListError(file: file, line: number, message: "expected identity,role,subtree (3 fields), found \(fields.count)")
            }
            guard Self.isUsableName(fields[0]) else {
                throw IdentityListError(file: file, line: number, message: "identity \"\(fields[0].prefix(80))\": letters, digits and . _ - only, at most 64")
            }
            guard let role = Role(rawValue: fields[1]) else {
                throw IdentityListError(file: file, line: number, message: "role \"\(fields[1].prefix(40))\": use one of device, line, edge, observer")
            }
            guard Self.isUsableSubtree(fields[2]) else {
                throw IdentityListError(file: file, line: number, message: "subtree \"\(fields[2].prefix(200))\": topic levels without + # or empty levels, not starting with $")
            }
            if let earlier = seen[fields[0]] {
                throw IdentityListError(file: file, line: number, message: "identity \"\(fields[0])\" is already on line \(earlier)")
            }
            guard identities.count < Self.maxIdentities else {
                throw IdentityListError(file: file, line: number, message: "more than \(Self.maxIdentities) identities")
            }
            seen[fields[0]] = number
            identities.append(Identity(name: fields[0], role: role, subtree: fields[2]))
        }
        self.identities = identities
    }

    /// The list as CSV, header first.
    public var csv: String {
        "identity,role,subtree\n" + identities.map { "\($0.name),\($0.role.rawValue),\($0.subtree)\n" }.joined()
    }

    /// For each publishing identity (device or line) that covers at least one of `devices`, the
    /// indices of the devices it publishes for, in device order; identities in list order.
    /// Throws when a device has no identity that covers its topics.
    public func assign(_ devices: [PlannedDevice]) throws(IdentityListError) -> [(identity: Identity, devices: [Int])] {
        let publishers = identities.enumerated().filter { $0.element.role == .device || $0.element.role == .line }
        var byIdentity: [Int: [Int]] = [:]
        var uncovered: [String] = []
        for device in devices {
            // The most specific identity: the longest subtree that is a prefix of the device's topics.
            let covering = publishers.filter { Self.covers($0.element.subtree, device: device) }
            guard let best = covering.max(by: { $0.element.subtree.utf8.count < $1.element.subtree.utf8.count }) else {
                uncovered.append("\(device.site)/\(device.line)/\(device.name)")
                continue
            }
            byIdentity[best.offset, default: []].append(device.index)
        }
        guard uncovered.isEmpty else {
            let shown = uncovered.prefix(3).joined(separator: ", ")
            throw IdentityListError(
                file: "", line: 0,
                message: "no device or line identity covers \(uncovered.count) device(s) (\(shown)\(uncovered.count > 3 ? ", …" : "")): add them to the identity list")
        }
        return byIdentity.keys.sorted().map { (identities[$0], byIdentity[$0]!) }
    }

    /// One identity per device (`per: .device`) or per line (`.line`) of `devices`.
    public static func forDevices(_ devices: [PlannedDevice], per role: Role) throws(IdentityListError) -> BrokerIdentities {
        var identities: [Identity] = []
        var seen: Set<String> = []
        for device in devices {
            let levels = device.deviceTopic.split(separator: "/", omittingEmptySubsequences: false)
            let parts = role == .line ? [device.site, device.line] : [device.site, device.line, device.name]
            let name = parts.map(Self.nameSafe).joined(separator: ".")
            // The device's topic without its last level is the line's subtree, when the device is the last level.
            let subtree = role == .line && levels.last.map(String.init) == device.name
                ? levels.dropLast().joined(separator: "/") : device.deviceTopic
            guard isUsableName(name) else {
                throw IdentityListError(file: "", line: 0, message: "identity \(name.prefix(80)) for \(device.deviceTopic) is longer than 64 characters")
            }
            guard seen.insert(name).inserted else {
                if role == .line { continue }
                throw IdentityListError(file: "", line: 0, message: "two devices make the same identity \(name)")
            }
            identities.append(Identity(name: name, role: role, subtree: subtree))
        }
        return BrokerIdentities(identities)
    }

    static func trimmed(_ text: Substring) -> String {
        let blank: Set<Character> = [" ", "\t", "\r"]
        guard let first = text.firstIndex(where: { !blank.contains($0) }), let last = text.lastIndex(where: { !blank.contains($0) }) else { return "" }
        return String(text[first...last])
    }

    static func covers(_ subtree: String, device: PlannedDevice) -> Bool {
        let topics = device.sensorTopics.isEmpty ? [device.deviceTopic] : device.sensorTopics + [device.deviceTopic]
        return topics.allSatisfy { $0 == subtree || $0.hasPrefix(subtree + "/") }
    }

    static func isUsableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == 0x2e || $0 == 0x5f || $0 == 0x2d }
    }

    static func isUsableSubtree(_ subtree: String) -> Bool {
        let levels = subtree.split(separator: "/", omittingEmptySubsequences: false)
        return !subtree.hasPrefix("$") && levels.count <= 16
            && levels.allSatisfy { level in
                !level.isEmpty && level.utf8.count <= 128 && level.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x2b && $0 != 0x23 }
            }
    }

    /// A topic level as an identity name part: unusable characters become `-`.
    static func nameSafe(_ level: String) -> String {
        String(String.UnicodeScalarView(level.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "._-".unicodeScalars.contains(scalar))
                ? scalar : "-"
        }))
    }
}

/// A problem in an identity list, naming the file and line (`file:line: message`).
public struct IdentityListError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { file.isEmpty ? message : "\(file):\(line): \(message)" }
}
