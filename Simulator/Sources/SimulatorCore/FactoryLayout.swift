/// A site of the scenario (`seoul`) and its lines.
public struct SiteSpec: Sendable, Equatable {
    /// The site segment of topics.
    public var name: String
    /// Its production lines.
    public var lines: [LineSpec]

    /// Creates a value; see the properties.
    public init(name: String, lines: [LineSpec]) {
        self.name = name
        self.lines = lines
    }
}

/// A production line and the device groups on it.
public struct LineSpec: Sendable, Equatable {
    /// The line segment of topics.
    public var name: String
    /// Groups of devices of one kind each.
    public var devices: [DeviceGroupSpec]

    /// Creates a value; see the properties.
    public init(name: String, devices: [DeviceGroupSpec]) {
        self.name = name
        self.devices = devices
    }
}

/// `count` devices of one kind, named by a pattern such as `press-{n:02}`.
public struct DeviceGroupSpec: Sendable, Equatable {
    /// The device kind's name.
    public var kind: String
    /// How many devices.
    public var count: Int
    /// The name pattern; see ``NamePattern``.
    public var name: NamePattern
    /// The `n` of the first device (default 1), so several lines can continue one numbering.
    public var first: Int

    /// Creates a value; see the properties.
    public init(kind: String, count: Int, name: NamePattern, first: Int = 1) {
        self.kind = kind
        self.count = count
        self.name = name
        self.first = first
    }
}
