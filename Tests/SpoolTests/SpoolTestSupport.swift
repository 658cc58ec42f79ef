import Foundation
import Logging
import Readings
@testable import Spool
import TestSupport

/// Builds decoder-style hand-offs for spool tests.
struct ColumnsBuilder {
    private var ids: [Series: SeriesID] = [:]

    /// Readings for `series`, with ts = base + index and value = index; new series announced once.
    mutating func columns(_ series: Series, count: Int, baseTs: Int64 = 1_700_000_000_000, firstValue: Int = 0) -> ReadingColumns {
        var columns = ReadingColumns()
        let id: SeriesID
        if let known = ids[series] {
            id = known
        } else {
            id = SeriesID(ids.count)
            ids[series] = id
            columns.newSeries.append(NewSeries(id: id, series: series))
        }
        for index in 0..<count {
            columns.append(sid: id, ts: baseTs + Int64(index), value: Double(firstValue + index), seq: Int64(firstValue + index))
        }
        return columns
    }
}

let press = Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")
let furnace = Series(site: "seoul", line: "line2", device: "furnace-01", sensor: "pressure", unit: "kPa")

func makeSpool(_ directory: TemporaryDirectory, _ change: (inout SpoolConfiguration) -> Void = { _ in }) throws -> Spool {
    var configuration = SpoolConfiguration(path: directory.path + "/spool.db", edgeID: "seoul-a", synchronous: .normal)
    change(&configuration)
    return try Spool(configuration: configuration, logger: Logger(label: "test"))
}

func allReadings(_ directory: TemporaryDirectory) throws -> [SpooledReading] {
    var readings: [SpooledReading] = []
    try SpoolReader(path: directory.path + "/spool.db").forEachReading { readings.append($0) }
    return readings
}
