/// An edge's latest status report as the core keeps it: the report in its wire form
/// (``Readings/EdgeStatusCodec``) and when the core received it (epoch ms, the core's clock).
public struct StoredEdgeStatus: Sendable, Equatable {
    public var edge: String
    public var site: String
    public var json: String
    public var receivedAtMillis: Int64

    public init(edge: String, site: String, json: String, receivedAtMillis: Int64) {
        self.edge = edge
        self.site = site
        self.json = json
        self.receivedAtMillis = receivedAtMillis
    }
}
