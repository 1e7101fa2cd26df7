import NIOCore
import ParleyWire

/// A Parley publisher: each publish a `send` (CONV-18) with a client message id unique across
/// runs (SESSION-23 remembers them), answered by `ok` or an error.
final class ParleyPublishWire: PublishWire, @unchecked Sendable {
    private let peer: BenchPeer
    private let runID: String

    /// Publishes through `peer`; `runID` keeps client message ids apart between runs.
    init(peer: BenchPeer, runID: String) {
        self.peer = peer
        self.runID = runID
    }

    var channel: any Channel { peer.channel }
    var isClosed: Bool { peer.isClosed }

    var answers: ((UInt64, PublishAnswer) -> Void)? {
        didSet {
            let answers = self.answers
            peer.resultSink = { rid, message in
                switch message {
                case .ok: answers?(rid, .accepted)
                case .error(let e): answers?(rid, .refused("\(ErrorCode(rawValue: UInt32(e.code)).name): \(e.message)"))
                default: answers?(rid, .refused("unexpected \(message.name)"))
                }
            }
        }
    }

    func publish(_ text: [UInt8], probe: Probe, room: Publisher.Room) -> UInt64? {
        let rid = peer.takeRID()
        let send = Wire.Send(
            rid: rid, conversation: room.name, clientMessageId: "b\(runID)-\(probe.room)-\(probe.index)",
            text: String(decoding: text, as: UTF8.self))
        peer.send(.send(send), flush: false)
        return rid
    }
}
