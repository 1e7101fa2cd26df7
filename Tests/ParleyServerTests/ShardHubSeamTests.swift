import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The seam between the session shard and the hub inside ``ServerCore``: the inputs queued in
/// their two mailboxes, run one at a time by the test (``ServerCore/stepsMailboxes``) in orders
/// that threads of their own could produce.
@Suite struct ShardHubSeamTests {
    /// Runs every queued input: the shard's mailbox until it is empty, then the hub's, again
    /// until both are.
    static func runShardThenHub(_ d: inout CoreDriver) {
        while d.core.queuedInputs != (0, 0) {
            while d.core.queuedInputs.shard > 0 { d.perform(d.core.runQueued(.shard, now: d.now)) }
            while d.core.queuedInputs.hub > 0 { d.perform(d.core.runQueued(.hub, now: d.now)) }
        }
    }

    /// How many inputs the hub queues for the shard when a visitor's message reaches a room
    /// with ana, who was assigned, and `observers` supervisors watching.
    static func shardInputsForOneMessage(observers: Int) throws -> Int {
        var d = CoreDriver()
        let ana = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: ana)?.name == "ok")
        let (visitor, _) = try d.connectVisitor()
        let (conversation, _) = try d.startConversation(on: visitor)
        for index in 0..<observers {
            let supervisor = d.connectAgent("sam\(index)", role: .supervisor)
            let joined = d.command({ .join(Wire.Join(rid: $0, conversation: conversation, mode: .observer)) }, on: supervisor)
            #expect(joined?.name == "ok")
        }
        d.core.stepsMailboxes = true
        d.perform(d.core.receive(CoreDriver.message(rid: d.nextRID(), id: "m", text: "hello", in: conversation), on: visitor, now: d.now))
        #expect(d.core.queuedInputs == (1, 0), "the message waits for the shard")
        d.perform(d.core.runQueued(.shard, now: d.now))
        #expect(d.core.queuedInputs == (0, 1), "the shard dispatched it to the hub")
        let outputs = d.core.runQueued(.hub, now: d.now)
        let queued = d.core.queuedInputs.shard
        d.perform(outputs)
        runShardThenHub(&d)
        return queued
    }

    @Test("a message to a room is one delivery input for the shard, however many sessions it reaches")
    func oneDeliveryPerPublish() throws {
        let alone = try Self.shardInputsForOneMessage(observers: 0)
        let watched = try Self.shardInputsForOneMessage(observers: 4)
        #expect(alone == 3, "the batch to wait for, the sender's result, the event for every recipient")
        #expect(watched == alone)
    }

    @Test("SESSION-12, SESSION-19: a result that reaches a connection just closed as a slow consumer is kept for the command re-sent")
    func aResultAfterASlowConsumersCloseIsKept() throws {
        var d = CoreDriver { $0.maxRetainedEvents = 3 }
        let (reader, welcome) = try d.connectVisitor()
        let (conversation, base) = try d.startConversation(on: reader)
        let (tab, _) = d.connect(CoreDriver.sessionAuth(welcome))
        d.core.stepsMailboxes = true
        // The other tab writes five messages, then the reader (who never acks) asks for the
        // history. The hub runs them all before the shard hands anything out: the reader's log
        // is over its bound when the history's result reaches the reader's connection, and the
        // flush that comes first closes it as a slow consumer.
        for index in 1...5 { d.write("m\(index)", in: conversation, on: tab) }
        let rid = d.nextRID()
        let history = Message.history(Wire.History(rid: rid, conversation: conversation))
        d.send(history, on: reader)
        Self.runShardThenHub(&d)
        #expect(d.closed[reader] == .slowConsumer)
        #expect(!d.take(reader).contains { $0.resultRID == rid }, "the result did not go out on the closed connection")

        d.core.stepsMailboxes = false
        d.drop(reader)
        let (resumed, again) = d.connect(
            CoreDriver.sessionAuth(welcome), resume: Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: base))
        #expect(again?.resume?.status == .resumed)
        d.send(history, on: resumed)
        #expect(d.take(resumed).contains { $0.resultRID == rid }, "the command re-sent gets its result")
    }
}
