@testable import Edge
import Readings
import Testing

@Suite("Series keys the core is believed to know")
struct CoreKnownKeysTests {
    @Test("a batch defines only keys no acknowledged batch used; after a 409 it defines everything again")
    func definesWhatTheCoreMayLack() {
        var known = CoreKnownKeys()
        #expect(known.toDefine([1, 5, 64, 4_000_000], all: false) == [1, 5, 64, 4_000_000])
        known.acknowledged([1, 64, 4_000_000])
        #expect(known.toDefine([1, 5, 64, 65, 4_000_000], all: false) == [5, 65])
        #expect(known.toDefine([1, 5], all: true) == [1, 5])
        #expect(known.contains(4_000_000) && !known.contains(4_000_001) && !known.contains(BatchCodec.dictionaryKeyLimit))
        known.forgetAll()
        #expect(known.toDefine([1, 64], all: false) == [1, 64])
        known.acknowledged([BatchCodec.dictionaryKeyLimit, .max])  // not keys: ignored, no huge bit set
        #expect(known == CoreKnownKeys())
    }
}
