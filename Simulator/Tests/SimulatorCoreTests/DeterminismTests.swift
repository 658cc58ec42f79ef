import SimulatorCore
import Testing

/// Everything every device publishes over `ticks` ticks, with a fixed ts.
func renderAll(_ plan: ScenarioPlan, ticks: Int) -> [UInt8] {
    var all: [UInt8] = []
    var buffer = MessageBuffer()
    for device in plan.devices.indices {
        var stream = DeviceStream(plan: plan, device: device)
        for _ in 0..<ticks {
            buffer.removeAll()
            stream.tick(wallMillis: 1_732_400_000_000, into: &buffer)
            for message in buffer.messages {
                all.append(contentsOf: buffer.bytes[message.topic])
                all.append(0)
                all.append(contentsOf: buffer.payload(of: message))
                all.append(0x0A)
            }
        }
        buffer.removeAll()
        stream.flush(wallMillis: 1_732_400_000_000, into: &buffer)
        all.append(contentsOf: buffer.bytes)
    }
    return all
}

@Suite struct DeterminismTests {
    @Test func sameSeedPublishesIdenticalBytes() throws {
        let first = renderAll(try samplePlan(seed: 9), ticks: 1_000)
        let second = renderAll(try samplePlan(seed: 9), ticks: 1_000)
        #expect(first.count > 100_000)
        #expect(first == second)
    }

    @Test func differentSeedPublishesDifferentBytes() throws {
        #expect(renderAll(try samplePlan(seed: 9), ticks: 1_000) != renderAll(try samplePlan(seed: 10), ticks: 1_000))
    }

    @Test func groundTruthDependsOnlyOnTheSeed() throws {
        #expect(try samplePlan(seed: 5).groundTruth == samplePlan(seed: 5).groundTruth)
        #expect(try samplePlan(seed: 5).groundTruth != samplePlan(seed: 6).groundTruth)
    }
}
