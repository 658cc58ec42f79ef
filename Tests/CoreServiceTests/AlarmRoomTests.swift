@testable import CoreService
import CoreStorage
import Logging
import Readings
import TestSupport
import Testing

@Suite("Alarm actions: a site never gets more shelves than its edges take")
struct AlarmRoomTests {
    static let now: Int64 = 1_796_616_000_000

    static func shelve(_ device: String, site: String = "seoul") -> AlarmActionRequest {
        AlarmActionRequest(
            action: .shelve(AlarmPoint(rule: "r", site: site, line: "l", device: device, sensor: "s"), untilMillis: now + 3_600_000),
            user: "oli", comment: "maintenance", atMillis: now)
    }

    static func outOfService(_ device: String) -> AlarmActionRequest {
        AlarmActionRequest(action: .removeFromService(ServiceScope(site: "seoul", line: "l", device: device)), user: "oli", comment: "swap", atMillis: now)
    }

    @Test("past the limit a new shelf or out-of-service entry is refused with 409 naming the site; moving an existing shelf's end and other sites still work")
    func refusedPastTheLimit() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alarm-room")
        let store = try SQLiteReadingStore(path: directory.file("core.db"), options: .init(synchronous: .normal), logger: Logger(label: "test"))
        defer { directory.remove() }
        for device in ["d1", "d2", "d3"] {
            #expect(try await store.record(Self.shelve(device)) == .done)
            #expect(try await store.record(Self.outOfService(device)) == .done)
        }
        let shelf = await #expect(throws: APIError.self) { try await AlarmRoutes.checkRoom(for: Self.shelve("d4"), store: store, limit: 3) }
        #expect(shelf?.status == .conflict && shelf?.code == "too_many")
        #expect(shelf?.message == "site seoul has 3 shelved alarm points, the most its edges take: unshelve some first")
        let service = await #expect(throws: APIError.self) { try await AlarmRoutes.checkRoom(for: Self.outOfService("d4"), store: store, limit: 3) }
        #expect(service?.message == "site seoul has 3 parts out of service, the most its edges take: return some first")
        try await AlarmRoutes.checkRoom(for: Self.shelve("d2"), store: store, limit: 3)
        try await AlarmRoutes.checkRoom(for: Self.shelve("d4", site: "gwangju"), store: store, limit: 3)
        try await AlarmRoutes.checkRoom(for: Self.shelve("d4"), store: store, limit: 4)
        await store.close()
    }
}
