extension SiteSpec {
    /// Parses `sites`: a list of `{name, lines: [{name, devices: [{kind, count, name, first}]}]}`.
    static func parseAll(_ field: YAMLField, kinds: [DeviceKind]) throws(ScenarioError) -> [SiteSpec] {
        var sites: [SiteSpec] = []
        var seen: Set<String> = []  // site/line/device, to reject duplicate devices
        let siteFields = try field.elements()
        guard !siteFields.isEmpty else { throw field.error("at least one site is needed") }
        for siteField in siteFields {
            let site = try siteField.members(allowed: ["name", "lines"], required: ["name", "lines"])
            let siteName = try site.required("name").topicSegment()
            var lines: [LineSpec] = []
            let lineFields = try site.required("lines").elements()
            guard !lineFields.isEmpty else { throw try site.required("lines").error("at least one line is needed") }
            for lineField in lineFields {
                let line = try lineField.members(allowed: ["name", "devices"], required: ["name", "devices"])
                let lineName = try line.required("name").topicSegment()
                var groups: [DeviceGroupSpec] = []
                for groupField in try line.required("devices").elements() {
                    let group = try DeviceGroupSpec.parse(groupField, kinds: kinds)
                    for n in group.first..<(group.first + group.count) {
                        let key = "\(siteName)/\(lineName)/\(group.name.name(n))"
                        guard seen.insert(key).inserted else { throw groupField.error("device \(key) is defined twice") }
                    }
                    groups.append(group)
                }
                lines.append(LineSpec(name: lineName, devices: groups))
            }
            sites.append(SiteSpec(name: siteName, lines: lines))
        }
        return sites
    }
}

extension DeviceGroupSpec {
    static func parse(_ field: YAMLField, kinds: [DeviceKind]) throws(ScenarioError) -> DeviceGroupSpec {
        let members = try field.members(allowed: ["kind", "count", "name", "first"], required: ["kind"])
        let kindField = try members.required("kind")
        let kind = try kindField.string()
        guard kinds.contains(where: { $0.name == kind }) else {
            throw kindField.error("unknown kind \(kindField.shown) (kinds: \(kinds.map(\.name).joined(separator: ", ")))")
        }
        let count = try members["count"]?.integer(1...1_000_000) ?? 1
        let pattern: NamePattern
        let nameField = members["name"]
        let text = try nameField?.string() ?? "\(kind)-{n:02}"
        do {
            pattern = try NamePattern(text)
        } catch {
            throw (nameField ?? field).error(error.message)
        }
        if count > 1, !pattern.isNumbered {
            throw (nameField ?? field).error("count is \(count): the name needs {n} or {n:02}")
        }
        if let nameField { try YAMLField.checkSegment(pattern.name(1), at: nameField) }
        return DeviceGroupSpec(kind: kind, count: count, name: pattern, first: try members["first"]?.integer(0...Int(Int32.max)) ?? 1)
    }
}
