//! The session: the handshake and replay protection.

#[allow(unused_imports)]
use super::*;

/// Where the handshake is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// No hello sent yet.
    NotStarted,
    /// Hello sent; waiting for the host's welcome.
    AwaitingWelcome,
    /// Welcomed: commands are accepted.
    Open,
    /// Torn down: nothing more is accepted.
    Ended,
}

/// How many hello ids are remembered: a welcome may answer a hello sent before a retry.
pub(super) const HELLOS_REMEMBERED: usize = 8;

/// One widget instance's conversation with its host: the session id, the handshake, the last
/// sequence number accepted from the host and the widget's own counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSession {
    session: SessionId,
    instance: InstanceId,
    handshake: Handshake,
    /// Ids of hellos sent and not yet answered, newest last.
    hellos: Vec<MessageId>,
    /// The last `seq` accepted from the host; 0 before any.
    last_accepted: u64,
    /// The `seq` of the widget's next message.
    next_seq: u64,
    rng: SplitMix64,
}

impl HostSession {
    /// A new session for this instance, with a fresh session id. Seed it from
    /// `crypto.getRandomValues`: session and message ids come from it.
    pub fn new(instance: InstanceId, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        HostSession {
            session: SessionId::new_v4(&mut rng),
            instance,
            handshake: Handshake::NotStarted,
            hellos: Vec::new(),
            last_accepted: 0,
            next_seq: 1,
            rng,
        }
    }

    /// The session id.
    pub fn session(&self) -> &SessionId {
        &self.session
    }

    /// The instance id.
    pub fn instance(&self) -> &InstanceId {
        &self.instance
    }

    /// Where the handshake is.
    pub fn handshake(&self) -> Handshake {
        self.handshake
    }

    /// The last sequence number accepted from the host (0 before any).
    pub fn last_accepted_seq(&self) -> u64 {
        self.last_accepted
    }

    /// The `hello` to post to the host origin(s) on the allow-list. Sending it again (the host
    /// was slow, or the port was lost) restarts the handshake: commands wait for a new welcome.
    /// After a teardown the session stays ended; a new conversation needs a new `HostSession`.
    pub fn hello(&mut self, widget_version: &str) -> Outbound {
        let message = self.send(HostEvent::hello(widget_version));
        if self.handshake != Handshake::Ended {
            self.handshake = Handshake::AwaitingWelcome;
            self.hellos.push(message.id.clone());
            if self.hellos.len() > HELLOS_REMEMBERED {
                self.hellos.remove(0);
            }
        }
        message
    }

    /// Reads one message from the host and, if it is acceptable now, takes it: its sequence
    /// number is used up, a welcome opens the session and a teardown ends it. A refused message
    /// changes nothing.
    pub fn accept(&mut self, text: &str) -> Result<Inbound, Rejection> {
        let value = read_json(text)?;
        let head = read_head(value.root())?;
        let refuse = |reason| Err(Rejection::new(reason, Some(head.id.clone())));
        if self.handshake == Handshake::Ended {
            return refuse(RejectReason::SessionEnded);
        }
        if head.session != self.session {
            return refuse(RejectReason::WrongSession);
        }
        if head.instance != self.instance {
            return refuse(RejectReason::WrongInstance);
        }
        match (head.kind, self.handshake) {
            (CommandKind::Welcome, Handshake::Open) => {
                return refuse(RejectReason::UnexpectedWelcome)
            }
            (CommandKind::Welcome, _) => {
                let answers_hello = head
                    .correlation
                    .as_ref()
                    .is_some_and(|c| self.hellos.contains(c));
                if !answers_hello {
                    return refuse(RejectReason::UncorrelatedWelcome);
                }
            }
            (kind, Handshake::NotStarted | Handshake::AwaitingWelcome) => {
                return refuse(RejectReason::NotWelcomed {
                    command: kind.name(),
                })
            }
            _ => {}
        }
        if head.seq <= self.last_accepted {
            return refuse(RejectReason::StaleSequence {
                seq: head.seq,
                last: self.last_accepted,
            });
        }
        let command = match head.command() {
            Ok(command) => command,
            Err(reason) => return refuse(reason),
        };
        self.last_accepted = head.seq;
        match command {
            HostCommand::Welcome(_) => {
                self.handshake = Handshake::Open;
                self.hellos.clear();
            }
            HostCommand::Teardown(_) => self.handshake = Handshake::Ended,
            _ => {}
        }
        Ok(head.into_inbound(command))
    }

    /// `event` as the widget's next message.
    pub fn send(&mut self, event: HostEvent) -> Outbound {
        self.stamp(event, None)
    }

    /// `event` as the widget's next message, answering the host's message `to`.
    pub fn reply(&mut self, event: HostEvent, to: &MessageId) -> Outbound {
        self.stamp(event, Some(to.clone()))
    }

    /// The `error` event for a refused message, correlated to it when its id was readable.
    pub fn error_event(&mut self, rejection: &Rejection) -> Outbound {
        self.stamp(HostEvent::error(rejection), rejection.correlation.clone())
    }

    fn stamp(&mut self, event: HostEvent, correlation: Option<MessageId>) -> Outbound {
        let seq = self.next_seq;
        // 2⁵³ messages is beyond any session; stay there rather than wrap to a smaller number.
        self.next_seq = self.next_seq.saturating_add(1).min(MAX_SEQ);
        Envelope::new(
            MessageId::new_v4(&mut self.rng),
            correlation,
            self.session.clone(),
            self.instance.clone(),
            seq,
            event,
        )
    }
}
