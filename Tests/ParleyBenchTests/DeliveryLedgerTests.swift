import ParleyWire
import Testing
@testable import ParleyBench

/// The ledger's arithmetic, on scripted and on seeded random arrival orders.
@Suite struct DeliveryLedgerTests {
    @Test func inOrderDeliveriesAreAllFresh() {
        var ledger = DeliveryLedger()
        for i in 0..<100 { #expect(ledger.record(i) == .fresh) }
        #expect(ledger.distinct == 100 && ledger.duplicates == 0 && ledger.outOfOrder == 0)
        #expect(ledger.lost(accepted: 100) == 0)
        #expect(ledger.lost(accepted: 103) == 3)
    }

    @Test func gapsLateArrivalsAndDuplicates() {
        var ledger = DeliveryLedger()
        for i in [0, 1, 4, 5, 2, 2, 5, 9, 3, 0] { ledger.record(i) }
        // Fresh: 0 1 4 5 9; late: 2 3; duplicates: 2 5 0.
        #expect(ledger.distinct == 7)
        #expect(ledger.outOfOrder == 2)
        #expect(ledger.duplicates == 3)
        #expect(ledger.lost(accepted: 10) == 3)  // 6, 7, 8
    }

    @Test func randomArrivalsMatchASetModel() {
        var seed: UInt64 = 0x5EED_0B5E_55ED  // a fixed LCG: the same sequence every run
        for _ in 0..<200 {
            var ledger = DeliveryLedger()
            var seen: Set<Int> = []
            var highest = -1
            var late = 0
            var duplicates = 0
            for _ in 0..<300 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let index = Int((seed >> 33) % 120)
                if seen.contains(index) { duplicates += 1 } else if index < highest { late += 1 }
                seen.insert(index)
                highest = max(highest, index)
                ledger.record(index)
            }
            #expect(ledger.distinct == seen.count)
            #expect(ledger.duplicates == duplicates)
            #expect(ledger.outOfOrder == late)
            #expect(ledger.lost(accepted: 120) == 120 - seen.count)
        }
    }
}

/// Probes survive both encodings, and the scanner reads session seqs without decoding.
@Suite struct ProbeAndScanTests {
    @Test func probeRoundTripsThroughText() {
        let probe = Probe(room: 77, index: 123_456, intended: 0xDEAD_BEEF_0123_4567)
        let text = probe.text(size: 100)
        #expect(text.utf8.count == 100)
        #expect(Array(text.utf8).withUnsafeBytes { Probe.find(in: $0) } == probe)
        #expect(Array("no probe here #PBxyz".utf8).withUnsafeBytes { Probe.find(in: $0) } == nil)
    }

    @Test(arguments: [false, true]) func scannerReadsTheSessionSeqOfEvents(json: Bool) {
        let text = Probe(room: 1, index: 2, intended: 3).text(size: 60)
        let event = Message.event(Wire.Event(seq: 300_123, event: Wire.ConversationEvent(
            conversation: "c1", cseq: 9, kind: .message, time: 1, sender: "a", text: text)))
        let bytes = json ? event.json : event.binary
        #expect(bytes.withUnsafeBytes { InboundScan.sequenced($0, json: json) } == 300_123)
        #expect(bytes.withUnsafeBytes { Probe.find(in: $0) } == Probe(room: 1, index: 2, intended: 3))
        let ping = json ? Message.ping(Wire.Ping(nonce: 5)).json : Message.ping(Wire.Ping(nonce: 5)).binary
        #expect(ping.withUnsafeBytes { InboundScan.sequenced($0, json: json) } == nil)
    }
}
