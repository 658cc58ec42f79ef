import Readings

/// The bench's readings: `series` sensors each reporting once a second with a slowly drifting
/// value, cut into batches of `batchSize` as an edge seals them (every series in every batch).
struct Workload: Sendable {
    let batches: [Batch]

    init(readings: Int, series count: Int, batchSize: Int) {
        let series = (0..<count).map {
            Series(site: "seoul", line: "line-\($0 / 50)", device: "device-\($0 / 4)", sensor: "sensor-\($0 % 4)", unit: "C")
        }
        var batches: [Batch] = []
        var state = (0..<count).map { 20 + Double($0 % 17) }
        var produced = 0
        var tick: Int64 = 0
        let start: Int64 = 1_732_399_200_000
        while produced < readings {
            let size = min(batchSize, readings - produced)
            var batch = Batch(edge: "seoul-a", seq: Int64(batches.count + 1), series: series)
            batch.sid.reserveCapacity(size)
            batch.ts.reserveCapacity(size)
            batch.value.reserveCapacity(size)
            for i in 0..<size {
                let k = (produced + i) % count
                if k == 0 { tick += 1 }
                state[k] += Double((produced + i) &* 2_654_435_761 % 201 - 100) / 1_000
                batch.sid.append(UInt32(k))
                batch.ts.append(start + tick * 1_000 + Int64(k % 997))
                batch.value.append((state[k] * 100).rounded() / 100)
            }
            batch.deviceSeq = Array(repeating: -1, count: size)
            batches.append(batch)
            produced += size
        }
        self.batches = batches
    }
}
