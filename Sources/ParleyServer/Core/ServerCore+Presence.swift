import ParleyCore
import ParleyWire

/// Presence and typing: the signals and commands that drive them, subscriptions to presence
/// topics, and the trackers' actions turned into deliveries (PRES, TYPE sections).
extension ServerCore {
    /// `setPresence`, `subscribe`, `unsubscribe` and `agentStatus` (which both the presence
    /// tracker and the router hear); `nil` for commands that are not about presence.
    mutating func executePresence(_ message: Message, on id: ConnectionID, session: String, now: Instant) -> LiveChatOutcome? {
        let connection = PresenceConnectionID(id.rawValue)
        switch message {
        case .setPresence(let p):
            let page = p.page.map { PresencePage(url: $0.url, title: $0.title) }
            switch presence.setPresence(connection, status: p.status, text: p.text, page: page, now: now) {
            case .success(let actions):
                apply(actions, now: now)
                return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: [])
            case .failure(let error):
                return refusal(error)
            }
        case .agentStatus(let a):
            // Presence owns the agent's choice; the router is told what follows from it, here
            // and on every later change (away, back, gone).
            guard let actor = sessions[session]?.identity else { return nil }
            if let refused = chat.agentStatusRefusal(a.routing, maxConcurrent: a.maxConcurrent.map { Int(clamping: $0) }, from: actor) {
                return LiveChatOutcome(result: .failure(refused), actions: [])
            }
            let presenceActions: [PresenceAction]
            switch presence.setRouting(connection, routing: a.routing, maxConcurrent: a.maxConcurrent, now: now) {
            case .success(let actions): presenceActions = actions
            case .failure(let error): return refusal(error)
            }
            // Assignments the change allows reach their agents after this command's ok.
            let routed = presence.availability(of: actor.user).map { availabilityChanged(actor.user, $0, now: now) } ?? []
            apply(presenceActions, now: now)
            return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: routed)
        case .subscribe(let s):
            return subscribe(s.topic, session: session, now: now)
        case .unsubscribe(let u):
            if let feed = sessions[session]?.feeds.removeValue(forKey: u.topic) {
                feedSubscribers[feed]?.remove(session)
            }
            return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: [])
        default:
            return nil
        }
    }

    /// Subscribes `session` to a topic it may see — a presence topic (PRES-17…PRES-21) or a
    /// team's queue (ROUTE-15) — and sends it the topic's current state.
    private mutating func subscribe(_ topic: String, session: String, now: Instant) -> LiveChatOutcome {
        guard let record = sessions[session] else { return refusal(WireError(.forbidden, "not established")) }
        let feed: Feed
        switch resolveFeed(topic, record) {
        case .success(let found): feed = found
        case .failure(let error): return refusal(error)
        }
        // The session machine held the subscription count to maxSubscriptions (SESSION-31).
        if let replaced = sessions[session]?.feeds.updateValue(feed, forKey: topic), replaced != feed {
            feedSubscribers[replaced]?.remove(session)
        }
        feedSubscribers[feed, default: []].insert(session)
        sendSnapshot(of: feed, to: session, now: now)
        return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: [])
    }

    /// The feed a topic names for this subscriber, or why they may not have it.
    private func resolveFeed(_ topic: String, _ record: SessionRecord) -> Result<Feed, WireError> {
        let actor = record.identity
        if topic.hasPrefix(Self.queueTopicPrefix) {
            let team = String(topic.dropFirst(Self.queueTopicPrefix.count))
            guard !team.isEmpty else { return .failure(WireError(.unknownTopic, "'\(topic)' names no team (ROUTE-15)")) }
            guard actor.isStaff else { return .failure(WireError(.forbidden, "only staff watch a team's queue (ROUTE-15)")) }
            guard chat.router.hasTeam(team) else { return .failure(WireError(.teamNotFound, "no team \(team) (ROUTE-15)")) }
            guard actor.role == .supervisor || actor.teams.contains(team) else {
                return .failure(WireError(.forbidden, "not a member of team \(team) (ROUTE-15)"))
            }
            return .success(.queue(team: team))
        }
        guard let parsed = PresenceTopic.parse(topic) else {
            return .failure(WireError(.unknownTopic, "'\(topic)' is not a topic (PRES-17)"))
        }
        let assigned = actor.isStaff ? [] : assignedAgents(of: actor)
        let subscriber = PresenceSubscriber(user: actor.user, role: actor.role, site: record.site, assignedAgents: assigned)
        return parsed.flatMap { $0.channel(for: subscriber) }.map(Feed.presence)
    }

    /// The prefix of a team queue's topic: `queue:<team>` (ROUTE-15).
    static var queueTopicPrefix: String { "queue:" }

    /// Sends `session` the current state of every feed it subscribes to: its log shed updates
    /// and has caught up (HUB-10), so the client learns the latest state.
    mutating func resyncPresence(of session: String, now: Instant) {
        let feeds = (sessions[session]?.feeds ?? [:]).sorted { $0.key < $1.key }.map(\.value)
        for feed in feeds { sendSnapshot(of: feed, to: session, now: now) }
    }

    /// Sends `session` the current typing set of each conversation in `stale`, whose set it
    /// was not sent while it was far behind (HUB-19, TYPE-3): a shed "nobody types" must not
    /// leave a stale "typing…" on the screen.
    mutating func resyncTypers(of session: String, _ stale: Set<String>, now: Instant) {
        guard let identity = sessions[session]?.identity, !stale.isEmpty else { return }
        for conversation in stale.sorted() where isParticipant(identity, in: conversation) {
            let view = typing.view(in: conversation, for: identity.user, staff: identity.isStaff)
            deliver(SharedEvent(.typers(Wire.Typers(conversation: conversation, typers: view.map(wire)))), toSessions: [session], now: now)
        }
    }

    /// Sends `session` the current state of `feed` (on subscribing, and to resynchronize).
    private mutating func sendSnapshot(of feed: Feed, to session: String, now: Instant) {
        switch feed {
        case .presence(let channel):
            for update in snapshot(of: channel) { deliver(SharedEvent(.presence(wire(update))), toSessions: [session], now: now) }
        case .queue(let team):
            if let message = queueMessage(of: team, now: now) { deliver(SharedEvent(message), toSessions: [session], now: now) }
        }
    }

    /// Sends the team's queue to the subscribers of its feed (ROUTE-15).
    mutating func publishQueue(of team: String, now: Instant) {
        guard let sessions = feedSubscribers[.queue(team: team)], !sessions.isEmpty,
              let message = queueMessage(of: team, now: now) else { return }
        deliver(SharedEvent(message), toSessions: sessions.sorted(), now: now)
    }

    /// The `queue` message of a team now.
    private func queueMessage(of team: String, now: Instant) -> Message? {
        chat.queue(of: team).map {
            .queue(Wire.Queue(team: team, asOf: now.rawValue, total: UInt64($0.total), entries: $0.entries))
        }
    }

    /// The current state of a channel, as subscribers of it see it.
    private func snapshot(of channel: PresenceChannel) -> [PresenceUpdate] {
        switch channel {
        case .team(let site, let team):
            [teamUpdate(presence.teamAvailability(site: site, team: team))]
        case .visitors, .agents, .user, .agentForVisitor:
            presence.snapshot(of: channel)
        }
    }

    /// The agents currently assigned to a visitor's open conversations (PRES-20).
    private func assignedAgents(of visitor: ChatIdentity) -> Set<String> {
        guard case .success(.conversations(let list)) = chat.list(from: visitor).result else { return [] }
        return Set(list.flatMap(\.agents))
    }

    /// The `activity` and `typing` signals.
    mutating func signal(_ message: Message, on id: ConnectionID, actor: ChatIdentity, now: Instant) {
        switch message {
        case .activity:
            apply(presence.activity(PresenceConnectionID(id.rawValue), now: now), now: now)
        case .typing(let t):
            // A conversation the sender may not see does not exist for them (CONV-30).
            let refusal: CommandError? =
                if !chat.isVisible(t.conversation, to: actor) {
                    CommandError(.conversationNotFound, "CONV-30", "no conversation \(t.conversation)")
                } else if !isParticipant(actor, in: t.conversation) {
                    CommandError(.notParticipant, "TYPE-1", "not a participant of \(t.conversation)")
                } else { nil }
            if let refusal {
                tell(.send(id, ChatMapping.error(refusal, rid: nil, messageType: message.typeCode)))
                return
            }
            apply(typing.typing(
                conversation: t.conversation, identity: TypingIdentity(user: actor.user, role: actor.role), isTyping: t.typing,
                isInternal: t.internal ?? false, preview: t.preview, now: now), replyTo: (id, message.typeCode), now: now)
        default:
            break
        }
    }

    /// Whether `actor` takes part in an open conversation (its visitor, agent or joined staff).
    private func isParticipant(_ actor: ChatIdentity, in conversation: String) -> Bool {
        guard let machine = chat.conversation(conversation), machine.isOpen else { return false }
        return machine.visitor == actor.user || machine.staff.contains(actor.user)
    }

    /// Carries out the presence tracker's actions.
    mutating func apply(_ actions: [PresenceAction], now: Instant) {
        for action in actions {
            switch action {
            case .publish(let update, let channel):
                publish(.presence(wire(update)), on: channel, now: now)
            case .publishTeam(let availability):
                publish(.presence(wire(teamUpdate(availability))), on: .team(site: availability.site, team: availability.team), now: now)
            case .agentAvailabilityChanged(let availability):
                apply(availabilityChanged(availability.agent, (availability.canTakeNew, availability.maxConcurrent), now: now), now: now)
            case .visitorLeftSite(let user):
                apply(chat.visitorPresenceChanged(user, onSite: false, now: now), now: now)
            case .armTimer(let deadline):
                presenceDeadline = min(presenceDeadline ?? deadline, deadline)
            }
        }
    }

    /// Tells the router what presence, the owner of the agent's choice, says of `agent`.
    private mutating func availabilityChanged(
        _ agent: String, _ availability: (canTakeNew: Bool, maxConcurrent: UInt64?), now: Instant
    ) -> [LiveChatAction] {
        chat.agentAvailabilityChanged(
            agent, routing: availability.canTakeNew ? .accepting : .notAccepting,
            maxConcurrent: availability.maxConcurrent.map { Int(clamping: $0) }, now: now)
    }

    /// Carries out the typing tracker's actions; a rejection answers the signal `replyTo` names.
    /// `participants` stands for the conversation's when it just closed (TYPE-15).
    mutating func apply(
        _ actions: [TypingAction], replyTo: (connection: ConnectionID, messageType: UInt64)? = nil, participants: (visitor: String, staff: [String])? = nil,
        now: Instant
    ) {
        for action in actions {
            switch action {
            case .publish(let update, let audience):
                let message = SharedEvent(.typers(Wire.Typers(
                    conversation: update.conversation,
                    typers: update.typers.map(wire))))
                deliver(message, toUsers: recipients(of: audience, in: update.conversation, participants: participants), now: now)
            case .reject(let error):
                if let replyTo {
                    tell(.send(replyTo.connection, .error(Wire.ErrorReply(
                        code: UInt64(error.code.rawValue), message: error.message, messageType: replyTo.messageType))))
                }
            case .armTimer(let deadline):
                typingDeadline = min(typingDeadline ?? deadline, deadline)
            }
        }
    }

    /// The users of a conversation a typing audience names (TYPE-5, TYPE-6).
    private func recipients(
        of audience: TypingAudience, in conversation: String, participants: (visitor: String, staff: [String])?
    ) -> [String] {
        guard let (visitor, staff) = participants ?? chat.conversation(conversation).map({ ($0.visitor, $0.staff) }) else { return [] }
        switch audience {
        case .staff(let excluding): return staff.filter { !excluding.contains($0) }
        case .visitors(let excluding): return excluding.contains(visitor) ? [] : [visitor]
        // A typer who is no longer a participant (transferred away, left) hears no more of it.
        case .user(let user): return visitor == user || staff.contains(user) ? [user] : []
        }
    }

    private mutating func publish(_ message: Message, on channel: PresenceChannel, now: Instant) {
        guard let sessions = feedSubscribers[.presence(channel)], !sessions.isEmpty else { return }
        deliver(SharedEvent(message), toSessions: sessions.sorted(), now: now)
    }

    private func teamUpdate(_ availability: TeamAvailability) -> PresenceUpdate {
        PresenceUpdate(
            user: "team:" + availability.team, role: .agent, status: availability.available ? .online : .offline,
            routing: availability.available ? .accepting : .notAccepting)
    }

    private func wire(_ typer: ActiveTyper) -> Wire.Typer {
        Wire.Typer(user: typer.user, role: typer.role, internal: typer.isInternal ? true : nil, preview: typer.preview)
    }

    private func wire(_ u: PresenceUpdate) -> Wire.Presence {
        Wire.Presence(
            user: u.user, role: u.role, status: u.status, text: u.text, page: u.page.map { Wire.Page(url: $0.url, title: $0.title) },
            routing: u.routing, lastSeen: u.lastSeen?.rawValue, onSiteSince: u.onSiteSince?.rawValue)
    }

    private func refusal(_ error: WireError) -> LiveChatOutcome {
        LiveChatOutcome(result: .failure(CommandError(error.code, "PRES", error.message)), actions: [])
    }
}
