import ParleyCore
import ParleyWire

/// Collects the outputs of one input: messages per connection in order (so each connection
/// gets one coalesced write) and closes after them.
struct PendingOutput: Sendable {
    private var order: [ConnectionID] = []
    private var messages: [ConnectionID: [Outbound]] = [:]
    private var closes: [(ConnectionID, ErrorCode)] = []
    private var closedConversations: [String] = []

    mutating func send(_ message: Outbound, to id: ConnectionID) {
        if messages[id] == nil { order.append(id) }
        messages[id, default: []].append(message)
    }

    mutating func close(_ id: ConnectionID, _ code: ErrorCode) {
        closes.append((id, code))
    }

    mutating func conversationClosed(_ conversation: String) {
        closedConversations.append(conversation)
    }

    /// The outputs so far, emptying the collector.
    mutating func take() -> [ServerOutput] {
        var outputs = order.map { ServerOutput.send($0, messages[$0]!) }
        outputs += closes.map { ServerOutput.close($0.0, $0.1) }
        outputs += closedConversations.map(ServerOutput.conversationClosed)
        order.removeAll()
        closedConversations.removeAll()
        messages.removeAll()
        closes.removeAll()
        return outputs
    }
}
