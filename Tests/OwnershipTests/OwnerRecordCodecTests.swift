import Ownership
import Testing

@Suite("Owner record codec")
struct OwnerRecordCodecTests {
    @Test("a record survives encoding and decoding, in both states")
    func roundTrip() throws {
        for record in [OwnerRecord(edge: "seoul-a", epoch: 7, state: .active), OwnerRecord(edge: "공장-b", epoch: 1 << 53, state: .released)] {
            #expect(try OwnerRecordCodec.decode(OwnerRecordCodec.encode(record)) == record)
        }
        #expect(String(decoding: OwnerRecordCodec.encode(OwnerRecord(edge: "a", epoch: 2, state: .active)), as: UTF8.self)
                == #"{"edge":"a","epoch":2,"state":"active","v":1}"#)
    }

    @Test("what anyone could publish on the owner topic is refused with the field named, never taken")
    func refusesBadRecords() {
        let cases: [(String, SiteRecordError)] = [
            ("", .empty),
            (String(repeating: " ", count: 513), .tooLarge(513)),
            ("not json", .malformed("not a valid JSON record (numbers: whole, 0 or more)")),
            (#"{"v":1,"epoch":1,"state":"active"}"#, .malformed("field edge missing")),
            (#"{"v":1,"edge":"a","epoch":"1","state":"active"}"#, .malformed("field epoch: wrong type")),
            (#"{"v":2,"edge":"a","epoch":1,"state":"active"}"#, .field("v", "version 2 is not 1")),
            (#"{"v":1,"edge":"a","epoch":1,"state":"mine"}"#, .field("state", #""mine" is not active or released"#)),
            (#"{"v":1,"edge":"","epoch":1,"state":"active"}"#, .field("edge", "empty, longer than 128 bytes or with control characters")),
            (#"{"v":1,"edge":"a\u0007","epoch":1,"state":"active"}"#, .field("edge", "empty, longer than 128 bytes or with control characters")),
            (#"{"v":1,"edge":"a","epoch":0,"state":"active"}"#, .field("epoch", "0 is not in 1…9007199254740992")),
            (#"{"v":1,"edge":"a","epoch":18446744073709551615,"state":"active"}"#, .field("epoch", "18446744073709551615 is not in 1…9007199254740992")),
            (#"{"v":1,"edge":"a","epoch":-1,"state":"active"}"#, .malformed("not a valid JSON record (numbers: whole, 0 or more)")),
        ]
        for (payload, expected) in cases {
            #expect(throws: expected, "\(payload.prefix(60))") { try OwnerRecordCodec.decode(Array(payload.utf8)) }
        }
    }
}
