@testable import ParleyCore
@testable import ParleyServer
import Testing

/// What the server keeps per idle connection in the records its dictionaries hold. A dictionary
/// reserves a whole record per slot, for up to twice as many slots as entries, so each byte of
/// these records costs an idle visitor up to two. The budgets are the sizes after the records
/// were trimmed (the byte stream went from 9.8 to 8.0 KB per idle connection, measured with
/// `parley bench connections`); a field that pushes a record past its budget belongs out of
/// line (``OutOfLine``) or in the configuration the sessions share (``SharedSessionConfiguration``).
@Suite struct IdleRecordSizeTests {
    @Test func perConnectionRecordsStayWithinTheirBudgets() {
        #expect(MemoryLayout<SessionShard.Connection>.stride <= 256)
        #expect(MemoryLayout<ServerSession>.stride <= 160)
        #expect(MemoryLayout<RateLimiter>.stride <= 56)
        #expect(MemoryLayout<SessionState>.stride <= 280)
    }
}

/// What moves through the mailboxes between the session shard and the hub, one input per step.
@Suite struct MailboxInputSizeTests {
    @Test("mailbox inputs stay a few words: the cases carrying a message, credentials or an identity are boxed")
    func mailboxInputsAreSmall() {
        #expect(MemoryLayout<ShardInput>.stride <= 48)
        #expect(MemoryLayout<HubInput>.stride <= 48)
    }
}
