/// A dense identifier for a ``Series``, assigned by ``SeriesTable`` in order of first sight.
///
/// Ids are local to one ``SeriesTable`` (one receive thread); the consumer learns what an id
/// means from the ``NewSeries`` records in ``ReadingColumns``.
public typealias SeriesID = UInt32

/// The identity of a time series: where a reading comes from and what it measures.
///
/// Two readings belong to the same series when all five fields are equal, so a device that
/// changes the unit of a sensor starts a new series rather than mixing units in one.
public struct Series: Hashable, Sendable, Codable {
    public var site: String
    public var line: String
    public var device: String
    public var sensor: String
    /// The unit as the device sent it (`"C"`, `"mm/s"`); `""` when the payload had none.
    public var unit: String

    public init(site: String, line: String, device: String, sensor: String, unit: String = "") {
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.unit = unit
    }
}

extension Series: CustomStringConvertible {
    /// `site/line/device/sensor[unit]`, for logs.
    public var description: String {
        "\(site)/\(line)/\(device)/\(sensor)" + (unit.isEmpty ? "" : "[\(unit)]")
    }
}

/// Announces that ``id`` now means ``series``; emitted once per id, before or with its first reading.
public struct NewSeries: Hashable, Sendable {
    public var id: SeriesID
    public var series: Series

    public init(id: SeriesID, series: Series) {
        self.id = id
        self.series = series
    }
}
