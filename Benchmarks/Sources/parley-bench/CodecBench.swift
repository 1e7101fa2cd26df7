import BenchSupport
import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire

/// `codec`: the outbound hot path, one delivery of a shared event through `ConnectionCodec`,
/// against the same bytes appended directly (what the NIO transport did before the codec):
/// time and heap allocations per delivery, per binding.
struct CodecBench: BenchSuite {
    let name = "codec"

    func run() {
        let events = (0..<1000).map { i in
            SharedEvent(.event(.init(seq: 0, event: .init(
                conversation: "c\(i % 10)", cseq: UInt64(i), kind: .message, time: UInt64(i), sender: "agent-anna", senderRole: .agent,
                text: String(repeating: "the parcel left our depot yesterday ", count: 1 + i % 30)))))
        }
        var report = Report("codec — \(events.count) shared events (40 B … 1 KB of text), one delivery each")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20)

        let direct = measure("direct: append framed binary", operations: events.count, repetitions: 20) {
            bytes.removeAll(keepingCapacity: true)
            for (seq, event) in events.enumerated() { event.append(seq: UInt64(seq), encoding: .binary, framed: true, to: &bytes) }
        }
        report.add(direct)
        let stream = try! ConnectionCodec(profile: ConnectionProfile(binding: .stream))
        report.add(deliver("codec: stream", events, with: stream, into: &bytes, clearing: false), against: direct)

        let compressed = try! ConnectionCodec(profile: ConnectionProfile(binding: .stream, compression: FrameCompression()))
        let welcome = Message.welcome(.init(
            rid: 1, version: 1, session: "s", resumeToken: "r", identity: .init(user: "u", role: .visitor),
            limits: SessionConfiguration().limits, serverTime: 0, compression: .init(enabled: true, threshold: 512, level: 6)))
        compressed.encode(.message(welcome), appendingTo: &bytes)
        report.add(deliver("codec: stream, compressed (spliced ≥ 512 B)", events, with: compressed, into: &bytes, clearing: false), against: direct)

        let directJSON = measure("direct: append JSON message", operations: events.count, repetitions: 20) {
            for (seq, event) in events.enumerated() {
                bytes.removeAll(keepingCapacity: true)
                event.append(seq: UInt64(seq), encoding: .json, framed: false, to: &bytes)
            }
        }
        report.add(directJSON)
        let json = try! ConnectionCodec(profile: ConnectionProfile(binding: .webSocketJSON))
        report.add(deliver("codec: WebSocket JSON", events, with: json, into: &bytes, clearing: true), against: directJSON)
        report.print()
    }

    /// Encodes one delivery of every event, into one write (`clearing` false) or one message
    /// each (`clearing` true, as a WebSocket transport does).
    private func deliver(_ name: String, _ events: [SharedEvent], with codec: ConnectionCodec, into bytes: inout [UInt8], clearing: Bool) -> Measurement {
        measure(name, operations: events.count, repetitions: 20) {
            bytes.removeAll(keepingCapacity: true)
            for (seq, event) in events.enumerated() {
                if clearing { bytes.removeAll(keepingCapacity: true) }
                codec.encode(.event(seq: UInt64(seq), event), appendingTo: &bytes)
            }
        }
    }
}
