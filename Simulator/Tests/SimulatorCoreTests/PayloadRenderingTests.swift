import Readings
import SimulatorCore
import Testing

/// Decodes one rendered message with the edge's own decoder.
func decode(_ buffer: MessageBuffer, _ message: OutgoingMessage, decoder: inout PayloadDecoder) -> (DecodeOutcome, ReadingColumns) {
    var columns = ReadingColumns()
    let outcome = buffer.bytes.withUnsafeBytes { bytes in
        decoder.decode(
            topic: UnsafeRawBufferPointer(rebasing: bytes[message.topic]),
            payload: UnsafeRawBufferPointer(rebasing: bytes[message.payload]),
            receivedAtMillis: 1, into: &columns)
    }
    return (outcome, columns)
}

@Suite struct PayloadRenderingTests {
    let ts: Int64 = 1_732_400_000_123

    func firstTick(_ plan: ScenarioPlan, _ device: String, ticks: Int = 1) throws -> MessageBuffer {
        var stream = DeviceStream(plan: plan, device: try #require(plan.deviceIndex(named: device)))
        var buffer = MessageBuffer()
        for _ in 0..<ticks { stream.tick(wallMillis: ts, into: &buffer) }
        return buffer
    }

    @Test func eachShapeRendersItsDocumentedForm() throws {
        let plan = try samplePlan()
        let press = try firstTick(plan, "press-01").texts
        #expect(press.count == 5)
        #expect(press[0].topic == "factory/seoul/line1/press-01/temperature")
        #expect(press[0].payload.hasPrefix(#"{"ts":1732400000123,"value":6"#))
        #expect(press[0].payload.hasSuffix(#","unit":"C","seq":0}"#))
        #expect(press[2].payload == #"{"ts":1732400000123,"value":0,"seq":0}"#)
        #expect(press[3].payload == #"{"ts":1732400000123,"value":100.00,"unit":"kPa","seq":0}"#)
        let furnace = try firstTick(plan, "furnace-01").texts
        #expect(furnace.count == 1 && furnace[0].topic == "factory/seoul/line1/furnace-01")
        #expect(furnace[0].payload.hasPrefix(#"{"ts":1732400000123,"seq":0,"temperature":7"#))
        #expect(furnace[0].payload.hasSuffix(#","smoke":0.010}"#))
        let gas = try firstTick(plan, "gas-2").texts
        #expect(gas.count == 1 && gas[0].topic == "factory/seoul/line2/gas-2/gas_ppm")
        #expect(gas[0].payload.allSatisfy { $0.isNumber || $0 == "." })
        let cnc = try firstTick(plan, "cnc-001", ticks: 4)
        #expect(cnc.messages.count == 1 && cnc.messages[0].seqs == 0...3 && cnc.messages[0].readings == 4)
        #expect(cnc.texts[0].payload.hasPrefix(#"[{"ts":1732400000123,"value":"#))
        #expect(cnc.texts[0].payload.hasSuffix(#","unit":"mm/s","seq":3}]"#))
        #expect(cnc.bytes[cnc.messages[0].topic.upperBound] == 0)  // topics are C strings too
    }

    @Test(arguments: [(71.25, 2, "71.25"), (71.2, 1, "71.2"), (-0.004, 2, "0.00"), (-3.5, 0, "-4"), (0.0001, 3, "0.000"),
                      (1_234_567.891, 2, "1234567.89"), (5, 0, "5"), (-12.05, 3, "-12.050")])
    func numbersRenderWithTheirDecimals(value: Double, decimals: Int, text: String) {
        var out: [UInt8] = []
        NumberWriter.append(value, decimals: decimals, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test func theEdgeDecoderAcceptsEveryNormalMessage() throws {
        let plan = try samplePlan()
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var buffer = MessageBuffer()
        for device in plan.devices.indices {
            var stream = DeviceStream(plan: plan, device: device)
            for _ in 0..<200 { stream.tick(wallMillis: ts, into: &buffer) }
        }
        var checked = 0
        for message in buffer.messages where message.kind != .malformed(.badJSON) {
            let (outcome, columns) = decode(buffer, message, decoder: &decoder)
            switch message.kind {
            case .readings, .duplicate:
                #expect(outcome == .accepted(message.readings), "\(buffer.texts[checked])")
                if plan.devices[message.device].payload != .number {
                    #expect(columns.seq.first == message.seqs.lowerBound)
                }
                checked += 1
            case .malformed:
                break
            }
        }
        #expect(checked > 5_000)
    }
}
