"""What a button does, and its compact encoding (Telegram's callback_data is 1..64 bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CALLBACK_DATA_MAX_BYTES = 64
_SEPARATOR = "|"  # never appears in ids (they are lowercase letters, digits and hyphens)


class Kind(StrEnum):
    CONSENT = "ok"  # value "full" when tapped under the full privacy notice
    DECLINE = "no"
    PRIVACY = "pv"  # "Read more": the full privacy notice
    OPEN = "o"  # open (or resume) a consultation
    PICK = "p"  # single choice
    TOGGLE = "t"  # multi choice, one option on/off
    SCALE = "s"
    RANK = "r"  # ranked: add this option as the next preference
    UNDO = "ru"  # ranked: take back the last preference
    RESTART = "rr"  # ranked: clear the order and start again
    WHY_SKIP = "ws"  # suggestion: no reason given for the idea just sent
    WITHDRAW = "w"  # suggestion: without a value, list their ideas; with one, withdraw that idea
    REOPEN = "re"  # change answers already sent, where the consultation allows it
    RESULTS = "rs"  # a closed vote's result
    NEXT = "n"  # keep the answer shown and move on
    SKIP = "k"
    RATHER_NOT = "rn"  # "I'd rather not say"
    BACK = "b"
    SUBMIT = "u"
    PAUSE = "ps"  # stop for now: their place is kept (as /cancel)
    FEEDBACK = "f"  # start feedback; with a value, the topic chosen
    FEEDBACK_SEND = "fs"  # value "a": and they would like an answer
    ANSWER_BACK = "ab"  # under the team's answer: question the request id, value its token
    FEEDBACK_CANCEL = "fx"
    UPDATES = "up"  # value "1" to get updates, "0" to stop
    ERASE = "x"  # /deleteme: value "1" to erase, "0" to keep
    CONTACT = "sc"  # after a safeguarding match: value "<alert id>:1" yes, "<alert id>:0" no
    WITHDRAW_CONTACT = "wc"  # /mydata: value the alert id whose contact request to withdraw
    STOP_WAITING = "sw"  # /mydata: value the answer request whose sealed chat number to delete
    LANGUAGE = "lg"  # without a value, the languages to choose from; with one, that language
    EASY_READ = "er"  # value "1" for easy-read wording, "0" for standard
    LISTEN = "ls"  # value "1" for voice notes with questions, "0" for none
    # "About you": consultation the one that asked (or none, from /aboutyou); question the about-you
    # question's place in the standard set; value a group id, "~" rather not say, "-" skip, or
    # without a question "go", "no" (no more), "change", "delete"
    ABOUT_YOU = "ay"
    # Team chat
    ACKNOWLEDGE = "ak"  # value: alert id
    REVIEW = "rv"  # a possible concern: value "<id>:a" act on it, "<id>:n" not a concern
    FEEDBACK_STATUS = "st"  # question: feedback id, value: status
    FEEDBACK_ANSWER = "fa"  # a /reply's answer to the young person who asked, confirmed (YES / NO)
    # question: idea id; value: "a" approve, "r" reject, "m" choose what to merge into, "m<id>" merge
    # into that idea, "c" back to the decision buttons
    MODERATE = "md"
    SHORTLIST = (
        "sl"  # consultation and question: the vote; value: "+<idea id>" to add, "-<idea id>" to remove
    )
    # A send or a close the team asked for, confirmed: value YES to do it, NO to cancel
    CLOSE = "cl"  # consultation: the one to close now
    ANNOUNCE = "an"  # consultation: the one whose invitation to send
    YOU_SAID = "ys"  # the "you said, we did" words waiting under the tapped question
    # A text question's written answers for a worker: without a value, the first page as a new
    # message; with one, that page (from 0) in place of the tapped one
    WRITTEN = "wa"
    PREVIEWED = "pd"  # the end of a preview; consultation: the previewed one, value LAUNCH or KEEP
    # A quick poll's closing date put to its worker: value the closing time (Unix seconds) to make it
    # with, or "date" to change it
    QUICK_POLL = "qp"


@dataclass(frozen=True)
class Action:
    kind: Kind
    consultation: str = ""
    question: str = ""
    value: str = ""

    def encode(self) -> str:
        parts = [self.kind.value, self.consultation, self.question, self.value]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return _SEPARATOR.join(parts)


def decode(data: str) -> Action | None:
    """Turn callback data back into an Action; None for anything we did not make."""
    parts = data.split(_SEPARATOR)
    if len(parts) > 4:
        return None
    try:
        kind = Kind(parts[0])
    except ValueError:
        return None
    parts += [""] * (4 - len(parts))
    return Action(kind, parts[1], parts[2], parts[3])


def encoded_size(action: Action) -> int:
    return len(action.encode().encode("utf-8"))
