import Readings
import Testing

@Suite("SeriesTable")
struct SeriesTableTests {
    func series(_ index: Int, unit: String = "") -> Series {
        Series(site: "s\(index % 3)", line: "l\(index % 7)", device: "dev-\(index)", sensor: "t", unit: unit)
    }

    @Test("the same series gets the same id and a different unit a new one")
    func sameKeySameID() {
        var table = SeriesTable()
        #expect(table.intern(series(1)) == 0)
        #expect(table.intern(series(2)) == 1)
        #expect(table.intern(series(1)) == 0)
        #expect(table.intern(series(1, unit: "C")) == 2)
        #expect(table.count == 3)
        #expect(table.series(2) == series(1, unit: "C"))
    }

    @Test("fields cannot run into each other: lengths are part of the key")
    func fieldBoundaries() {
        var table = SeriesTable()
        let a = Series(site: "ab", line: "c", device: "d", sensor: "e")
        let b = Series(site: "a", line: "bc", device: "d", sensor: "e")
        let c = Series(site: "a", line: "b", device: "cd", sensor: "e")
        let d = Series(site: "a", line: "bc", device: "", sensor: "de")
        #expect([a, b, c, d].map { table.intern($0) } == [0, 1, 2, 3])
        // Names with control characters are refused (SeriesName), never interned.
        #expect(table.intern(Series(site: "a\u{0}b", line: "c", device: "d", sensor: "e")) == nil)
    }

    @Test("many series grow the table and keep their ids")
    func growth() {
        var table = SeriesTable()
        for index in 0..<20_000 { #expect(table.intern(series(index)) == SeriesID(index)) }
        for index in stride(from: 0, to: 20_000, by: 97) {
            #expect(table.intern(series(index)) == SeriesID(index))
            #expect(table.series(SeriesID(index)) == series(index))
        }
        #expect(table.count == 20_000)
    }

    @Test("beyond maxSeries new series are refused but known ones still resolve")
    func limit() {
        var table = SeriesTable(maxSeries: 2)
        #expect(table.maxSeries == 2)
        #expect(table.intern(series(1)) == 0)
        #expect(table.intern(series(2)) == 1)
        #expect(table.intern(series(3)) == nil)
        #expect(table.intern(series(2)) == 1)
        #expect(table.count == 2)
    }
}
