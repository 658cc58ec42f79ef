import SimulatorCore
import Testing

@Suite("Broker identities: parsing the list and dealing devices to identities")
struct BrokerIdentitiesTests {
    private func plan() throws -> ScenarioPlan {
        ScenarioPlan(scenario: try Scenario.resolve("seoul"), seed: 1)
    }

    @Test("a list with a header, comments and blank lines is read; every role is kept")
    func parsesTheList() throws {
        let text = "identity,role,subtree\n# who connects\n\nseoul.press.press-01, device, factory/seoul/press/press-01\nseoul.press,line,factory/seoul/press\r\nhaetae-seoul-a,edge,factory\nops,observer,factory\n"
        let list = try BrokerIdentities(csv: text, file: "ids.csv")
        #expect(list.identities.map(\.role) == [.device, .line, .edge, .observer])
        #expect(list.identities[0] == .init(name: "seoul.press.press-01", role: .device, subtree: "factory/seoul/press/press-01"))
        #expect(try BrokerIdentities(csv: list.csv, file: "again") == list)
    }

    @Test("a bad line is refused with its file and line: fields, names, roles, wildcards, duplicates")
    func refusesBadLines() {
        let cases: [(String, String)] = [
            ("a,device\n", "ids.csv:1: expected identity,role,subtree (3 fields), found 2"),
            ("ok,device,f/a\nbad name,device,f/b\n", "ids.csv:2: identity \"bad name\": letters, digits and . _ - only, at most 64"),
            ("a,admin,f\n", "ids.csv:1: role \"admin\": use one of device, line, edge, observer"),
            ("a,device,factory/#\n", "ids.csv:1: subtree \"factory/#\": topic levels without + # or empty levels, not starting with $"),
            ("a,device,factory//x\n", "ids.csv:1: subtree \"factory//x\": topic levels without + # or empty levels, not starting with $"),
            ("a,edge,$SYS\n", "ids.csv:1: subtree \"$SYS\": topic levels without + # or empty levels, not starting with $"),
            ("a,device,f/a\n\na,line,f\n", "ids.csv:3: identity \"a\" is already on line 1"),
        ]
        for (text, message) in cases {
            #expect(throws: IdentityListError.self) { try BrokerIdentities(csv: text, file: "ids.csv") }
            do {
                _ = try BrokerIdentities(csv: text, file: "ids.csv")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test("per-line identities cover every device of their line; each device goes to exactly one identity")
    func linesCoverTheirDevices() throws {
        let plan = try plan()
        let list = try BrokerIdentities.forDevices(plan.devices, per: .line)
        let lines = Set(plan.devices.map { "\($0.site)/\($0.line)" })
        #expect(list.identities.count == lines.count)
        #expect(list.identities.allSatisfy { $0.role == .line && !$0.subtree.hasSuffix("/") })
        let shares = try list.assign(plan.devices)
        #expect(shares.flatMap(\.devices).sorted() == Array(plan.devices.indices))
        for share in shares {
            #expect(share.devices.allSatisfy { plan.devices[$0].deviceTopic.hasPrefix(share.identity.subtree + "/") })
        }
    }

    @Test("a device identity wins over its line's gateway; an uncovered device is named in the error")
    func mostSpecificIdentityWins() throws {
        let plan = try plan()
        let device = plan.devices[0]
        var identities = try BrokerIdentities.forDevices(plan.devices, per: .line).identities
        identities.append(.init(name: "one-device", role: .device, subtree: device.deviceTopic))
        let shares = try BrokerIdentities(identities).assign(plan.devices)
        #expect(shares.first { $0.identity.name == "one-device" }?.devices == [device.index])
        #expect(!shares.contains { $0.identity.name != "one-device" && $0.devices.contains(device.index) })

        // Observers and edges publish for nobody: a list of only those covers no device.
        let readers = BrokerIdentities([.init(name: "ops", role: .observer, subtree: "factory"), .init(name: "edge", role: .edge, subtree: "factory")])
        do {
            _ = try readers.assign(plan.devices)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("no device or line identity covers \(plan.devices.count) device(s) (\(device.site)/\(device.line)/\(device.name)"))
        }
    }

    @Test("per-device identities: one per device, named site.line.device, subtree its topic")
    func perDevice() throws {
        let plan = try plan()
        let list = try BrokerIdentities.forDevices(plan.devices, per: .device)
        #expect(list.identities.count == plan.devices.count)
        #expect(list.identities[0].name == "\(plan.devices[0].site).\(plan.devices[0].line).\(plan.devices[0].name)")
        #expect(list.identities[0].subtree == plan.devices[0].deviceTopic)
        #expect(try list.assign(plan.devices).allSatisfy { $0.devices.count == 1 })
    }
}
