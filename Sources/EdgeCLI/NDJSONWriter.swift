import Foundation
import Spool

/// Writes spooled readings as NDJSON to stdout, buffered (a dump can be millions of lines).
struct NDJSONWriter {
    private var buffer: [UInt8] = []

    mutating func write(_ reading: SpooledReading) {
        buffer += Array("{\"site\":".utf8)
        appendString(reading.series.site)
        buffer += Array(",\"line\":".utf8)
        appendString(reading.series.line)
        buffer += Array(",\"device\":".utf8)
        appendString(reading.series.device)
        buffer += Array(",\"sensor\":".utf8)
        appendString(reading.series.sensor)
        buffer += Array(",\"unit\":".utf8)
        appendString(reading.series.unit)
        buffer += Array(",\"ts\":\(reading.ts),\"value\":\(reading.value)".utf8)
        if reading.deviceSeq >= 0 { buffer += Array(",\"seq\":\(reading.deviceSeq)".utf8) }
        buffer += Array("}\n".utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func appendString(_ text: String) {
        let data = try? JSONEncoder().encode(text)
        buffer += data.map(Array.init) ?? Array("\"\"".utf8)
    }
}
