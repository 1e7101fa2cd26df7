import ParleyCore
import ParleyWire

/// Commands the session layer validated, executed by the live-chat core, and the core's
/// actions turned into deliveries.
extension ServerCore {
    /// Executes a command or signal from `actor`, sent on a connection of the session the
    /// dispatch names, and completes a command with its result.
    /// A command that needs archived conversations out of memory, a search or an erasure waits
    /// for the store's read first (STORE-5, STORE-8, STORE-9); `read` is what the store
    /// answered, once it has.
    mutating func dispatch(_ command: HubInput.Dispatch, actor: ChatIdentity, now: Instant, read: ArchivedConversations? = nil) {
        let message = command.message, id = command.connection
        guard let rid = message.commandRID else {
            signal(message, on: id, actor: actor, now: now)
            return
        }
        if read == nil, let query = storeRead(for: message, actor: actor) {
            return park(ParkedCommand(command: command, actor: actor), reading: query)
        }
        apply(presence.activity(PresenceConnectionID(id.rawValue), now: now), now: now)
        let outcome = executePresence(message, on: id, session: command.session, now: now)
            ?? executeAbuse(message, from: command.address, actor: actor, now: now) ?? execute(message, actor: actor, read: read, now: now)
        if case .create = message, case .success = outcome.result { noteCreated(from: command.address, now: now) }
        let result: Message = switch outcome.result {
        case .success(let value): ChatMapping.result(value, rid: rid)
        case .failure(let error): ChatMapping.error(error, rid: rid)
        }
        complete(ResultFit.fitted(result, answering: message, maxFrame: command.maxFrame), session: command.session, now: now)
        apply(outcome.actions, now: now)
    }

    /// What an appended event means for typing, whatever caused it (a command, a timer, a
    /// block): previews on in a new conversation when configured (TYPE-11); a message or note
    /// ends its sender's typing (TYPE-4); a close or an abandon ends everyone's, told to those
    /// the event reached (TYPE-15).
    private mutating func typingFollows(_ event: ChatEvent, recipients: [String], now: Instant) {
        switch event.kind {
        case .created where configuration.draftPreviews:
            apply(typing.setPreviewsEnabled(true, conversation: event.conversation, now: now), now: now)
        case .message, .note:
            guard let sender = event.wire.sender else { return }
            apply(typing.messageSent(conversation: event.conversation, user: sender, now: now), now: now)
        case .closed, .abandoned:
            let visitor = chat.conversation(event.conversation)?.visitor ?? ""
            apply(typing.conversationEnded(event.conversation, now: now),
                  participants: (visitor, recipients.filter { $0 != visitor }), now: now)
        default:
            break
        }
    }

    /// Runs one command against the live-chat core; a search reads the events the store found
    /// (`read`), or the core's memory without a store; an erasure counts the archived
    /// conversations the store listed, restored with the answer (``loaded(_:_:now:)``).
    private mutating func execute(_ message: Message, actor: ChatIdentity, read: ArchivedConversations?, now: Instant) -> LiveChatOutcome {
        switch message {
        case .create(let c):
            return chat.create(
                team: c.team, properties: c.properties, priority: c.priority.map { UInt32(clamping: $0) },
                tags: Set(c.tags), text: c.text, clientMessageId: c.clientMessageId, from: actor, now: now)
        case .join(let j):
            return chat.join(j.conversation, mode: j.mode ?? .participant, from: actor, now: now)
        case .leave(let l):
            return chat.leave(l.conversation, from: actor, now: now)
        case .send(let s):
            return chat.send(
                s.conversation, text: s.text, attachments: s.attachments,
                clientMessageId: s.clientMessageId, from: actor, now: now)
        case .note(let n):
            return chat.note(n.conversation, text: n.text, clientMessageId: n.clientMessageId, from: actor, now: now)
        case .history(let h):
            return chat.history(
                h.conversation, anchor: h.anchor, direction: h.direction ?? .backward, limit: h.limit.map { Int(clamping: $0) },
                from: actor)
        case .read(let r):
            return chat.read(r.conversation, upTo: r.cseq, from: actor, now: now)
        case .transfer(let t):
            return chat.transfer(t.conversation, toAgent: t.agent, toTeam: t.team, note: t.note, from: actor, now: now)
        case .close(let c):
            return chat.close(c.conversation, from: actor, now: now)
        case .reopen(let r):
            return chat.reopen(r.conversation, from: actor, now: now)
        case .rate(let r):
            return chat.rate(r.conversation, score: r.score, comment: r.comment, from: actor, now: now)
        case .setProperties(let p):
            return chat.setProperties(p.conversation, p.properties, from: actor, now: now)
        case .list(let l):
            return chat.list(state: l.state, from: actor)
        case .transcript(let t):
            return chat.transcript(t.conversation, from: actor)
        case .search(let s):
            return chat.search(
                s.text, before: s.before, limit: s.limit.map { Int(clamping: $0) }, from: actor,
                found: read?.events)
        case .invite(let i):
            return chat.invite(i.visitor, text: i.text, from: actor, now: now)
        case .answerInvitation(let a):
            return chat.answerInvitation(a.invitation, accept: a.accept, from: actor, now: now)
        case .updateAgent(let u):
            let profile = AgentProfile(teams: u.teams, skills: Set(u.skills), maxConcurrent: u.maxConcurrent.map { Int(clamping: $0) })
            return chat.updateAgent(u.agent, profile, from: actor, now: now)
        case .eraseVisitor(let e):
            return chat.eraseVisitor(e.visitor, from: actor, now: now)
        default:
            return LiveChatOutcome(
                result: .failure(CommandError(.notImplemented, "MSG-3", "\(message.name) is not served by this server")),
                actions: [])
        }
    }

    /// Carries out the live-chat core's actions: deliveries to users' sessions and timers.
    mutating func apply(_ actions: [LiveChatAction], now: Instant) {
        for action in actions {
            switch action {
            case .append(let event, let recipients):
                publish(SharedEvent(.event(Wire.Event(seq: 0, event: event.wire))), toUsers: recipients, now: now)
                typingFollows(event, recipients: recipients, now: now)
            case .backfill(let event, let recipient):
                publish(SharedEvent(.event(Wire.Event(seq: 0, event: event.wire))), toUsers: [recipient], now: now)
            case .readMarker(let conversation, let user, let cseq, let recipients):
                let shared = SharedEvent(.readMarker(Wire.ReadMarker(seq: 0, conversation: conversation, user: user, cseq: cseq)))
                publish(shared, toUsers: recipients, now: now)
            case .queuePosition(let conversation, let visitor, let position, let estimatedWaitMs):
                let message = SharedEvent(.queuePosition(Wire.QueuePosition(
                    conversation: conversation, position: UInt64(position), estimatedWaitMs: estimatedWaitMs)))
                deliver(message, toUsers: [visitor], now: now)
            case .queueChanged(let team):
                publishQueue(of: team, now: now)
            case .measured(let measure):
                pending.measured(measure)
            case .invitation(let invitation):
                let shared = SharedEvent(.invitation(Wire.Invitation(
                    seq: 0, invitation: invitation.id, agent: invitation.agent, text: invitation.text)))
                publish(shared, toUsers: [invitation.visitor], now: now)
            case .invitationAnswered(let invitation, let agent, let visitor, let accepted, let conversation):
                let shared = SharedEvent(.invitationAnswered(Wire.InvitationAnswered(
                    seq: 0, invitation: invitation, visitor: visitor, accepted: accepted, conversation: conversation)))
                publish(shared, toUsers: [agent], now: now)
            case .armTimer(let timer):
                chatTimers.push(timer.deadline, timer)
            case .persist(let change):
                pending.persist(change)
            }
        }
    }
}
