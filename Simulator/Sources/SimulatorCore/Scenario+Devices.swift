/// One device of the expanded layout.
struct ExpandedDevice {
    let site: String
    let line: String
    let name: String
    let kind: DeviceKind
}

extension Scenario {
    /// Every device in layout order: sites, lines, groups, then `n`.
    func expandedDevices() -> [ExpandedDevice] {
        var devices: [ExpandedDevice] = []
        for site in sites {
            for line in site.lines {
                for group in line.devices {
                    guard let kind = kind(named: group.kind) else { continue }  // checked by the parser
                    for n in group.first..<(group.first + group.count) {
                        devices.append(ExpandedDevice(site: site.name, line: line.name, name: group.name.name(n), kind: kind))
                    }
                }
            }
        }
        return devices
    }

    /// The total number of sensors over all devices (readings per factory tick).
    var sensorCount: Int {
        var total = 0
        for site in sites {
            for line in site.lines {
                for group in line.devices { total += group.count * (kind(named: group.kind)?.sensors.count ?? 0) }
            }
        }
        return total
    }
}

extension HazardType {
    /// Whether a device of `kind` can host this hazard with its default sensors.
    func fits(_ kind: DeviceKind) -> Bool {
        defaultSensors.allSatisfy { name in kind.sensors.contains { $0.name == name } }
    }
}
