import BenchSupport
import ParleyWire

/// Encode and decode throughput of `send` messages of 100 B and 1 KB, binary and JSON,
/// beside a `memcpy` of the same bytes measured in the same run (issue: ≥ 0.25× memcpy for
/// 1 KB binary decode, ≤ 1 allocation per decoded frame, none per encode into a reused buffer).
struct WireBench: BenchSuite {
    let name = "wire"

    func run() {
        for size in [100, 1024] {
            runSize(size)
        }
    }

    private func message(totalSize: Int) -> Message {
        let base = Message.send(.init(rid: 1, conversation: "c-7f3a", clientMessageId: "m-0001", text: ""))
        let text = String(repeating: "a", count: max(0, totalSize - base.binary.count - 1))
        return .send(.init(rid: 1, conversation: "c-7f3a", clientMessageId: "m-0001", text: text))
    }

    private func runSize(_ size: Int) {
        let message = message(totalSize: size)
        let count = 200_000
        var frame: [UInt8] = []
        Frame.encode(message, into: &frame)
        let json = message.json
        var stream: [UInt8] = []
        for _ in 0..<count { stream.append(contentsOf: frame) }
        var report = Report("wire: send message, \(frame.count) B frame / \(json.count) B JSON, \(count) messages")

        var sink: [UInt8] = []
        sink.reserveCapacity(stream.count)
        let memcpy = measure("memcpy of the frame bytes", operations: count, bytes: stream.count) {
            sink.removeAll(keepingCapacity: true)
            frame.withUnsafeBytes { raw in
                for _ in 0..<count { sink.append(contentsOf: raw) }
            }
        }
        report.add(memcpy)

        var buffer: [UInt8] = []
        buffer.reserveCapacity(stream.count)
        report.add(measure("binary encode (frame, reused buffer)", operations: count, bytes: stream.count) {
            buffer.removeAll(keepingCapacity: true)
            for _ in 0..<count { Frame.encode(message, into: &buffer) }
        }, against: memcpy)

        var decoded = 0
        var decoder = FrameDecoder(maxPayload: 1 << 20)
        report.add(measure("binary decode (64 KiB reads → frames → messages)", operations: count, bytes: stream.count) {
            stream.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let end = min(raw.count, offset + 65_536)
                    decoder.append(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                    offset = end
                    while let frame = try! decoder.next() {
                        if case .send(let send) = try! Message.decodeBinary(frame.payload) {
                            decoded &+= send.text.utf8.count
                        }
                    }
                }
            }
        }, against: memcpy)

        var jsonBuffer: [UInt8] = []
        jsonBuffer.reserveCapacity(count * json.count)
        report.add(measure("JSON encode (reused buffer)", operations: count, bytes: count * json.count) {
            jsonBuffer.removeAll(keepingCapacity: true)
            for _ in 0..<count { message.encodeJSON(into: &jsonBuffer) }
        }, against: memcpy)

        report.add(measure("JSON decode", operations: count, bytes: count * json.count) {
            for _ in 0..<count {
                if case .send(let send) = try! Message.decodeJSON(json) { decoded &+= send.text.utf8.count }
            }
        }, against: memcpy)
        report.print()
        precondition(decoded > 0)
    }
}
