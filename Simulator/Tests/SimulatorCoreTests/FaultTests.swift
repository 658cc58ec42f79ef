import Readings
import SimulatorCore
import Testing

@Suite struct FaultTests {
    @Test func fractionsAreHonoured() throws {
        let plan = try samplePlan()
        var counts: [String: Int] = [:]
        let ticks = 50_000
        for device in plan.devices.indices {
            for seq in 0..<Int64(ticks) {
                switch plan.fault(device: device, seq: seq) {
                case .malformed(let kind): counts[kind.rawValue, default: 0] += 1; counts["malformed", default: 0] += 1
                case .duplicate: counts["duplicate", default: 0] += 1
                case .outOfOrder: counts["outOfOrder", default: 0] += 1
                case .skew(let millis):
                    counts["skew", default: 0] += 1
                    #expect(abs(millis) == 300_000)
                case .drop: counts["drop", default: 0] += 1
                case nil: break
                }
            }
        }
        let total = Double(plan.devices.count * ticks)  // 700,000 ticks: 1% is 7,000 ± ~84
        for key in ["malformed", "duplicate", "outOfOrder", "skew"] {
            #expect(abs(Double(counts[key] ?? 0) / total - 0.01) < 0.0005, "\(key): \(counts[key] ?? 0)")
        }
        for kind in MalformedKind.allCases {
            #expect(abs(Double(counts[kind.rawValue] ?? 0) / total - 0.01 / 6) < 0.0003, "\(kind): \(counts[kind.rawValue] ?? 0)")
        }
        #expect(plan.fault(device: 3, seq: 1234) == plan.fault(device: 3, seq: 1234))
        #expect(counts["drop"] == nil)  // the sample drops nothing
    }

    /// The sample with lost messages and devices whose clock is off.
    func lossyPlan() throws -> ScenarioPlan {
        let yaml = sampleYAML.replacingOccurrences(
            of: "  disconnects: {every: 20s}", with: "  drops: 0.02\n  clock_off: {fraction: 0.5, by: 90s}")
        return ScenarioPlan(scenario: try Scenario.parse(yaml: yaml, file: "lossy.yaml"), seed: 42, totalRate: nil)
    }

    @Test func droppedTicksUseTheirSeqAndSendNothing() throws {
        let plan = try lossyPlan()
        var drops = 0
        for device in plan.devices.indices where plan.devices[device].payload == .object {
            var stream = DeviceStream(plan: plan, device: device)
            var buffer = MessageBuffer()
            for _ in 0..<2_000 {
                buffer.removeAll()
                let tick = stream.tick(wallMillis: 1_000_000_000_000, into: &buffer)
                guard tick.fault == .drop else { continue }
                drops += 1
                #expect(!buffer.messages.contains { $0.seqs.contains(tick.seq) })
            }
        }
        #expect(abs(Double(drops) / (8 * 2_000) - 0.02) < 0.006, "\(drops)")
    }

    @Test func aDeviceWhoseClockIsOffShiftsEveryTimeItSends() throws {
        let plan = try lossyPlan()
        let offsets = plan.devices.indices.map { plan.clockOffsetMillis(device: $0) }
        // About half the devices that send a time, by ±90 s; plain numbers carry no time.
        #expect(offsets.allSatisfy { $0 == 0 || abs($0) == 90_000 })
        #expect(offsets.filter { $0 != 0 }.count >= 3)
        for (device, planned) in plan.devices.enumerated() where planned.payload == .number { #expect(offsets[device] == 0) }
        #expect(offsets == plan.devices.indices.map { plan.clockOffsetMillis(device: $0) })
        for device in plan.devices.indices where plan.devices[device].payload == .object && offsets[device] != 0 {
            var stream = DeviceStream(plan: plan, device: device)
            var buffer = MessageBuffer()
            for _ in 0..<50 {
                let tick = stream.tick(wallMillis: 1_000_000_000_000, into: &buffer)
                guard tick.fault == nil, !tick.isSilent else { continue }
                let text = buffer.texts.first { $0.payload.contains("\"seq\":\(tick.seq)}") }
                #expect(text?.payload.hasPrefix("{\"ts\":\(1_000_000_000_000 + offsets[device]),") == true, "\(text?.payload ?? "")")
            }
        }
        let inStep = try samplePlan()
        #expect(inStep.devices.indices.allSatisfy { inStep.clockOffsetMillis(device: $0) == 0 })
    }

    @Test(arguments: MalformedKind.allCases)
    func eachMalformedKindIsRejectedByTheEdgeForThatReason(kind: MalformedKind) throws {
        let plan = try samplePlan()
        var decoder = PayloadDecoder(template: try TopicTemplate())
        for device in plan.devices {
            var buffer = MessageBuffer()
            PayloadRenderer.renderMalformed(kind, device: device, seq: 7, value: 71.25, ts: 1_732_400_000_123, into: &buffer)
            let message = try #require(buffer.messages.first)
            #expect(message.kind == .malformed(kind) && message.readings == 0)
            let (outcome, _) = decode(buffer, message, decoder: &decoder)
            #expect(outcome == .rejected(RejectReason(rawValue: kind.rawValue)!), "\(device.name): \(buffer.texts[0].topic)")
            if kind == .tooLarge { #expect(message.payload.count > 65_536) }
        }
    }

    @Test func streamsApplyFaultsAsDecided() throws {
        let plan = try samplePlan()
        var seen: Set<String> = []
        for device in plan.devices.indices where plan.devices[device].payload == .object {
            var stream = DeviceStream(plan: plan, device: device)
            var buffer = MessageBuffer()
            var held: Int64?  // the seq of an out-of-order tick, due after the next tick's messages
            for _ in 0..<2_000 {
                buffer.removeAll()
                let tick = stream.tick(wallMillis: 1_000_000_000_000, into: &buffer)
                let seqs = buffer.messages.map(\.seqs.lowerBound)
                if let due = held, !tick.isSilent, tick.fault != .outOfOrder {
                    #expect(seqs.last == due && seqs.first == tick.seq, "held seq \(due) after \(tick.seq)")
                    held = nil
                }
                switch tick.fault {
                case .malformed(let kind)?:
                    seen.insert("malformed")
                    #expect(buffer.messages.first?.kind == .malformed(kind))
                case .duplicate?:
                    seen.insert("duplicate")
                    #expect(buffer.messages.filter { $0.kind == .duplicate && $0.seqs.lowerBound == tick.seq }.count == 5)
                case .outOfOrder?:
                    seen.insert("outOfOrder")
                    #expect(!seqs.contains(tick.seq))  // held back for the next tick
                    held = held ?? tick.seq
                case .skew(let millis)?:
                    seen.insert("skew")
                    let text = buffer.texts.first { $0.payload.contains("\"seq\":\(tick.seq)}") }
                    #expect(text?.payload.hasPrefix("{\"ts\":\(1_000_000_000_000 + millis),") == true)
                case .drop?:
                    Issue.record("the sample drops nothing")
                case nil:
                    if !tick.isSilent { #expect(seqs.first == tick.seq) }
                }
            }
        }
        #expect(seen == ["malformed", "duplicate", "outOfOrder", "skew"])
    }
}
