/// A kind of device (`press`, `furnace`, `gas-detector`): its payload shape and sensors.
public struct DeviceKind: Sendable, Equatable {
    /// The kind's name, referenced by device groups.
    public var name: String
    /// How its readings are laid out on the wire.
    public var payload: PayloadShape
    /// Readings per message for the `array` shape (1 for the other shapes).
    public var batch: Int
    /// The sensors, in file order (also the order of values in a ``DeviceSample``).
    public var sensors: [SensorSpec]

    /// Creates a kind; see the properties.
    public init(name: String, payload: PayloadShape, batch: Int = 1, sensors: [SensorSpec]) {
        self.name = name
        self.payload = payload
        self.batch = payload == .array ? max(1, batch) : 1
        self.sensors = sensors
    }
}
