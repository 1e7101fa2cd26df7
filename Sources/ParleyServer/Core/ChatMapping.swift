import ParleyCore
import ParleyWire

/// Converts the live-chat core's values to their wire structures (catalogue.md), field by field.
enum ChatMapping {
    static func summary(_ s: ChatSummary) -> Wire.ConversationSummary {
        Wire.ConversationSummary(
            id: s.id, state: s.state, visitor: s.visitor, team: s.team, agents: s.agents, lastCseq: s.lastCseq,
            queuePosition: s.queuePosition.map(UInt64.init), priority: UInt64(s.priority), createdAt: s.createdAt.rawValue,
            tags: s.tags, properties: s.properties, score: s.score, assignedAgent: s.assignedAgent, readCseq: s.readCseq)
    }

    static func metrics(_ m: ChatMetrics) -> Wire.ConversationMetrics {
        Wire.ConversationMetrics(
            queueWaitMs: m.queueWaitMs, firstResponseMs: m.firstResponseMs, transfers: m.transfers, durationMs: m.durationMs)
    }

    /// The wire result of a successful command with request id `rid`.
    static func result(_ result: CommandResult, rid: UInt64) -> Message {
        switch result {
        case .ok(let conversation, let cseq):
            .ok(Wire.Ok(rid: rid, conversation: conversation, cseq: cseq))
        case .invited(let invitation):
            .ok(Wire.Ok(rid: rid, invitation: invitation))
        case .history(let page):
            .historyPage(Wire.HistoryPage(rid: rid, conversation: page.conversation, events: page.events.map(\.wire), hasMore: page.hasMore))
        case .conversations(let list):
            .conversations(Wire.Conversations(rid: rid, conversations: list.map(summary)))
        case .transcript(let t):
            .transcriptResult(Wire.TranscriptResult(
                rid: rid, summary: summary(t.summary), events: t.events.map(\.wire), metrics: metrics(t.metrics), comment: t.comment))
        case .search(let page):
            .searchResult(Wire.SearchResult(rid: rid, events: page.events.map(\.wire), next: page.next))
        case .blocks(let blocks):
            .blocks(Wire.Blocks(rid: rid, blocks: blocks))
        case .erased(let erasure):
            .erased(Wire.Erased(rid: rid, conversations: erasure.conversations, events: erasure.events))
        }
    }

    /// The wire error answering a refused command with request id `rid`.
    static func error(_ error: CommandError, rid: UInt64?, messageType: UInt64? = nil) -> Message {
        .error(Wire.ErrorReply(
            rid: rid, code: UInt64(error.code.rawValue), message: error.message, retryAfterMs: error.retryAfterMs,
            requirement: error.requirement,
            messageType: messageType))
    }
}
