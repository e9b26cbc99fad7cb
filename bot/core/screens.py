"""What the young person sees: text plus rows of buttons, independent of any messaging app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

from bot.core import i18n, texts
from bot.core.actions import Action, Kind
from bot.core.engine import (
    WITH_THE_TEAM,
    Progress,
    describe_answer,
    idea_key,
    question_number,
    questions_to_ask,
    ranking,
)
from bot.core.models import (
    Consultation,
    ImageChoiceQuestion,
    MultiChoiceQuestion,
    Option,
    OrderingQuestion,
    PhotoQuestion,
    Question,
    ScaleQuestion,
    SingleChoiceQuestion,
    SuggestionQuestion,
    TextQuestion,
    YesNoQuestion,
)
from bot.core.preview import (
    KEEP_DRAFT_BUTTON,
    LAUNCH_IT_BUTTON,
    PREVIEW_BANNER,
    PREVIEW_END,
    PREVIEW_KEEP,
    PREVIEW_LAUNCH,
)


@dataclass(frozen=True)
class Button:
    label: str
    action: Action


@dataclass(frozen=True)
class Picture:
    """A picture from the consultation's files (a path under the surveys folder), with a caption."""

    path: str
    caption: str


@dataclass(frozen=True)
class Voice:
    """The voice note for a question, for someone who asked to listen: one a worker recorded in
    chat (found by consultation, question and language), else the file's `audio`, if any."""

    consultation: str
    question: str
    language: str
    words: str  # the question as shown: a recording of other words is not played
    path: str = ""  # under the surveys folder


@dataclass(frozen=True)
class Screen:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    image: bytes | None = None  # a PNG shown above the text (a chart)
    album: tuple[Picture, ...] = ()  # pictures shown above the text, as one album
    voice: Voice | None = None  # a voice note sent before the text
    # A menu to act on now (a question, a list): once a newer menu is sent, this one's buttons are
    # taken off, so only the current one is live. Not for choices that must stay to hand (asking
    # for help, an answer to answer back).
    menu: bool = False


@dataclass
class Reply:
    """What to show: new messages in order, what the tapped message becomes, and a short toast.
    `outbox` says something now waits to go to the team (an alert, feedback)."""

    screens: list[Screen] = field(default_factory=list)
    replace: Screen | None = None
    notice: str | None = None
    outbox: bool = False


def _mark(chosen: bool) -> str:
    return texts.CHOSEN if chosen else ""


def _rows(*rows: Iterable[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple(row for row in (tuple(r) for r in rows) if row)


# Telegram refuses more than 8 buttons in a row; past 7 numbers, a phone row gets cramped anyway.
SCALE_ROW_MAX = 7


def _even_rows(buttons: list[Button], most: int) -> list[list[Button]]:
    """Split buttons into as few rows as fit `most` each, of nearly equal length (10 -> 5 + 5)."""
    count = -(-len(buttons) // most)
    size = -(-len(buttons) // count)
    return [buttons[i : i + size] for i in range(0, len(buttons), size)]


@dataclass(frozen=True)
class PrivacyFacts:
    """What the full privacy notice says that the council sets: who decides, how to reach them and
    the lawful basis (as written in the settings), and how many days each thing is kept."""

    controller: str
    contact: str
    dpo: str
    lawful_basis: str
    answer_days: int
    feedback_days: int
    quiet_days: int
    contact_days: int
    concern_days: int
    backup_days: int

    def notice(self) -> str:
        """The full notice in the reader's language and wording."""
        return texts.PRIVACY_NOTICE.format(**self.in_words())

    def in_words(self) -> dict[str, str]:
        """Each setting as the notice says it: the periods in days, in the reader's grammar."""
        return {
            name: texts.plural("DAYS", value) if name.endswith("_days") else str(value)
            for name, value in asdict(self).items()
        }


# The value on "Yes, I agree" under the full notice, so the message keeps what they read.
FULL_NOTICE = "full"


def _consent_text(notice: str) -> str:
    """What the consent question stands under: the short version, or the full `notice`."""
    return notice or f"{texts.WELCOME}\n\n{texts.CONSENT_SUMMARY}"


def _consent_buttons(consultation_id: str, full: bool) -> tuple[tuple[Button, ...], ...]:
    """Agree, Read more (under the short version), No thanks; the language and easy read, for
    someone who cannot read it yet. A deep link's id rides on the buttons."""
    return _rows(
        [
            Button(
                texts.CONSENT_BUTTON, Action(Kind.CONSENT, consultation_id, value=FULL_NOTICE if full else "")
            )
        ],
        [] if full else [Button(texts.READ_MORE_BUTTON, Action(Kind.PRIVACY, consultation_id))],
        [Button(texts.DECLINE_BUTTON, Action(Kind.DECLINE))],
        [
            Button(texts.LANGUAGE_BUTTON, Action(Kind.LANGUAGE, consultation_id)),
            _easy_read_button(consultation_id),
        ],
    )


def consent_screen(consultation_id: str = "", notice: str = "") -> Screen:
    """The consent question under the short version of the privacy notice (welcome, anonymous,
    stop any time, help if someone hurts them), or under the full `notice` (behind "Read more")."""
    return Screen(
        f"{_consent_text(notice)}\n\n{texts.CONSENT_QUESTION}",
        _consent_buttons(consultation_id, bool(notice)),
    )


def consent_nudge(consultation_id: str = "") -> Screen:
    """One line and the consent buttons, for anything sent before they agree."""
    return Screen(texts.NEED_CONSENT, _consent_buttons(consultation_id, full=False))


def agreed_screen(notice: str = "") -> Screen:
    """The consent message once they agreed: what they read stays, saying they said yes."""
    return Screen(f"{_consent_text(notice)}\n\n{texts.CONSENT_GIVEN}")


def language_screen(consultation_id: str = "") -> Screen:
    """Each language named in itself, the current one ticked."""
    now = i18n.current().language
    return Screen(
        texts.LANGUAGE_ASK,
        _rows(
            *(
                [Button(_mark(code == now) + name, Action(Kind.LANGUAGE, consultation_id, value=code))]
                for code, name in i18n.LANGUAGES.items()
            )
        ),
    )


def _easy_read_button(consultation_id: str = "") -> Button:
    easy = i18n.current().easy
    return Button(
        texts.STANDARD_WORDING_BUTTON if easy else texts.EASY_READ_BUTTON,
        Action(Kind.EASY_READ, consultation_id, value="0" if easy else "1"),
    )


def _reading_rows() -> list[list[Button]]:
    """Language, easy read and voice notes, under the list of consultations: never more than a
    tap away."""
    reading = i18n.current()
    return [
        [Button(texts.LANGUAGE_BUTTON, Action(Kind.LANGUAGE))],
        [
            _easy_read_button(),
            Button(
                texts.STOP_LISTENING_BUTTON if reading.listen else texts.LISTEN_BUTTON,
                Action(Kind.LISTEN, value="0" if reading.listen else "1"),
            ),
        ],
    ]


def consultation_list(
    consultations: Iterable[Consultation],
    started: set[str],
    submitted: set[str],
    results: Iterable[Consultation] = (),
) -> Screen:
    """Each consultation open to them (marked done or to continue), then closed votes' results.
    One the file does not word in the reader's language is marked as English only, or left out
    if its file says `other_languages: hide` (unless they have begun it)."""
    language = i18n.current().language

    def title(consultation: Consultation, begun: set[str]) -> str | None:
        if language in consultation.worded_in:
            return consultation.title
        if consultation.other_languages == "hide" and consultation.id not in begun:
            return None
        return texts.ENGLISH_ONLY_LABEL.format(title=consultation.title)

    buttons = []
    for consultation in consultations:
        named = title(consultation, started | submitted)
        if named is None:
            continue
        if consultation.id in submitted:
            label = texts.DONE_MARK + named
        elif consultation.id in started:
            label = texts.CONTINUE_MARK + named
        else:
            label = named
        buttons.append([Button(label, Action(Kind.OPEN, consultation.id))])
    for consultation in results:
        named = title(consultation, submitted)
        if named is None:
            continue
        label = texts.RESULT_BUTTON.format(title=named)
        buttons.append([Button(label, Action(Kind.RESULTS, consultation.id))])
    if not buttons:
        return Screen(texts.NOTHING_OPEN, _rows(*_reading_rows()), menu=True)
    return Screen(texts.CHOOSE_CONSULTATION, _rows(*buttons, *_reading_rows()), menu=True)


@dataclass(frozen=True)
class _Body:
    """The part of a question screen that depends on its type."""

    hint: str
    rows: list[list[Button]] = field(default_factory=list)
    album: tuple[Picture, ...] = ()


def _bannered(consultation: Consultation, screen: Screen) -> Screen:
    return replace(screen, text=PREVIEW_BANNER + screen.text) if consultation.preview_of else screen


def question_screen(consultation: Consultation, progress: Progress, *, intro: bool = False) -> Screen:
    """The current question (see `_question_screen`); with `intro`, headed by the consultation's
    title and introduction (when they open it: one message, not two)."""
    screen = _question_screen(consultation, progress)
    if intro:
        screen = replace(screen, text=f"{consultation.title}\n\n{consultation.intro}\n\n{screen.text}")
    return _bannered(consultation, screen)


def _question_screen(consultation: Consultation, progress: Progress) -> Screen:
    """The current question, "Question n of total", its answer buttons, Back, Skip and (where
    offered) "I'd rather not say"."""
    if progress.position is None:
        return review_screen(consultation, progress)
    question = consultation.question(progress.position)
    assert question is not None, "progress points at a question the definition lacks"
    n, total = question_number(consultation, progress)

    def act(kind: Kind, value: str = "") -> Action:
        return Action(kind, consultation.id, question.id, value)

    pause = Button(texts.PAUSE_BUTTON, act(Kind.PAUSE))
    if isinstance(question, SuggestionQuestion) and progress.asking_why is not None:
        return Screen(
            texts.ASK_WHY.format(idea=progress.asking_why),
            ((Button(texts.NO_REASON_BUTTON, act(Kind.WHY_SKIP)),), (pause,)),
            menu=True,
        )
    body = _body(question, progress, act)
    navigation = []
    if n > 1:
        navigation.append(Button(texts.BACK_BUTTON, act(Kind.BACK)))
    # Once something is ticked, Next carries it on: Skip would only seem to throw it away.
    ticked = isinstance(question, MultiChoiceQuestion) and ranking(progress, question.id)
    if question.optional and not ticked:
        navigation.append(Button(texts.SKIP_BUTTON, act(Kind.SKIP)))
    navigation.append(pause)
    declining = [Button(texts.RATHER_NOT_BUTTON, act(Kind.RATHER_NOT))] if question.rather_not_say else []
    heading = texts.QUESTION_OF.format(n=n, total=total)
    reading = i18n.current()
    voice = (
        Voice(consultation.id, question.id, reading.language, question.text, question.audio or "")
        if reading.listen
        else None
    )
    return Screen(
        f"{heading}\n\n{question.text}\n\n{body.hint}",
        _rows(*body.rows, declining, navigation),
        album=body.album,
        voice=voice,
        menu=True,
    )


def _body(question: Question, progress: Progress, act: Callable[..., Action]) -> _Body:
    answer = progress.answers.get(question.id)
    value = answer.value if answer is not None else None

    def one_each(options: Iterable[Option], kind: Kind) -> list[list[Button]]:
        return [[Button(_mark(value == o.id) + o.label, act(kind, o.id))] for o in options]

    if isinstance(question, SingleChoiceQuestion):
        return _Body(texts.PICK_ONE, one_each(question.options, Kind.PICK))
    if isinstance(question, YesNoQuestion):
        return _Body(texts.PICK_ONE, [[b for row in one_each(question.options, Kind.PICK) for b in row]])
    if isinstance(question, ImageChoiceQuestion):
        numbered = [
            o.model_copy(update={"label": f"{n}. {o.label}"}) for n, o in enumerate(question.options, 1)
        ]
        album = tuple(Picture(o.image, f"{n}. {o.label}") for n, o in enumerate(question.options, 1))
        return _Body(texts.PICK_PICTURE, one_each(numbered, Kind.PICK), album)
    if isinstance(question, MultiChoiceQuestion):
        chosen = value if isinstance(value, tuple) else ()
        limit = question.max_choices
        rows = [
            [Button((texts.CHOSEN if o.id in chosen else texts.NOT_CHOSEN) + o.label, act(Kind.TOGGLE, o.id))]
            for o in question.options
        ]
        rows.append([Button(texts.NEXT_BUTTON, act(Kind.NEXT))])
        return _Body(texts.PICK_UP_TO.format(limit=limit) if limit else texts.PICK_SOME, rows)
    if isinstance(question, ScaleQuestion):
        if question.faces:  # a big button each: a face and words, never the face alone
            faces = texts.faces(question.max)
            rows = [
                [Button(_mark(point == value) + faces[point - 1], act(Kind.SCALE, str(point)))]
                for point in question.points()
            ]
            return _Body(texts.PICK_FACE, rows)
        buttons = [
            Button(
                _mark(point == value)
                + " ".join(part for part in (str(point), question.labels.get(point, "")) if part),
                act(Kind.SCALE, str(point)),
            )
            for point in question.points()
        ]
        return _Body(texts.PICK_SCALE, _even_rows(buttons, SCALE_ROW_MAX))
    if isinstance(question, OrderingQuestion):
        order = ranking(progress, question.id)
        rows = [[Button(o.label, act(Kind.RANK, o.id))] for o in question.options if o.id not in order]
        if order:
            # Undo names how many are placed, so a double tap takes back one, not two.
            rows.append(
                [
                    Button(texts.UNDO_BUTTON, act(Kind.UNDO, str(len(order)))),
                    Button(texts.RESTART_BUTTON, act(Kind.RESTART)),
                ]
            )
            rows.append([Button(texts.DONE_RANKING_BUTTON, act(Kind.NEXT))])
        return _Body(texts.RANK_HINT + "\n\n" + _ranking_so_far(question, order), rows)
    if isinstance(question, SuggestionQuestion):
        sent = ranking(progress, question.id)
        hint = texts.IDEA_HINT.format(limit=question.max_length, most=question.max_per_person)
        if len(sent) >= question.max_per_person:
            hint = texts.IDEAS_FULL
        if not sent:
            return _Body(hint)
        hint += "\n\n" + texts.YOUR_IDEAS + "\n" + "\n".join(f"• {idea}" for idea in sent)
        rows = [
            [Button(texts.WITHDRAW_BUTTON, act(Kind.WITHDRAW))],
            [Button(texts.NEXT_BUTTON, act(Kind.NEXT))],
        ]
        return _Body(hint, rows)
    if isinstance(question, PhotoQuestion):
        if answer is None or answer.skipped or answer.declined:
            return _Body(texts.SEND_A_PHOTO)
        return _Body(texts.PHOTO_KEPT, [[Button(texts.KEEP_BUTTON, act(Kind.NEXT))]])
    assert isinstance(question, TextQuestion)
    hint = texts.TYPE_ANSWER.format(limit=question.max_length)
    if answer is None or answer.skipped or answer.declined:
        return _Body(hint)
    typed = str(value)
    hint += "\n\n" + texts.YOUR_ANSWER.format(answer=typed, length=len(typed), limit=question.max_length)
    return _Body(hint, [[Button(texts.KEEP_BUTTON, act(Kind.NEXT))]])


def _ranking_so_far(question: OrderingQuestion, order: tuple[str, ...]) -> str:
    if not order:
        return texts.RANKING_EMPTY
    lines = [f"{n}. {o.label if (o := question.option(i)) else i}" for n, i in enumerate(order, start=1)]
    return texts.RANKING_SO_FAR + "\n" + "\n".join(lines)


KEEP = "-"  # the withdraw list's "keep them all": back to the question, nothing taken back


def withdraw_screen(consultation: Consultation, question: SuggestionQuestion, progress: Progress) -> Screen:
    """Which of their ideas to take back (each button names one), or keep them all."""
    return _bannered(consultation, _withdraw_screen(consultation, question, progress))


def _withdraw_screen(consultation: Consultation, question: SuggestionQuestion, progress: Progress) -> Screen:
    rows = [
        [Button(f"🗑️ {idea}", Action(Kind.WITHDRAW, consultation.id, question.id, idea_key(idea)))]
        for idea in ranking(progress, question.id)
        if idea != WITH_THE_TEAM  # already with the safeguarding team: not theirs to take back
    ]
    rows.append([Button(texts.KEEP_IDEAS_BUTTON, Action(Kind.WITHDRAW, consultation.id, question.id, KEEP))])
    return Screen(texts.WITHDRAW_ASK, _rows(*rows))


def already_sent_screen(consultation: Consultation, progress: Progress) -> Screen:
    """They finished it already: their answers, and (where allowed) a way to change them."""
    return _bannered(consultation, _already_sent_screen(consultation, progress))


def _already_sent_screen(consultation: Consultation, progress: Progress) -> Screen:
    if not consultation.allow_changes:
        return Screen(texts.ALREADY_DONE.format(title=consultation.title))
    lines = [texts.ALREADY_SENT_TITLE.format(title=consultation.title), ""]
    lines += [*_answer_lines(consultation, progress), "", texts.CHANGE_ASK]
    return Screen(
        "\n".join(lines),
        ((Button(texts.CHANGE_BUTTON, Action(Kind.REOPEN, consultation.id)),),),
    )


REVIEW_ANSWER_MAX = 120  # a long typed answer is shortened in the summary, never in storage


def shortened(text: str) -> str:
    return text if len(text) <= REVIEW_ANSWER_MAX else text[: REVIEW_ANSWER_MAX - 1].rstrip() + "…"


def _answer_lines(consultation: Consultation, progress: Progress, whole: bool = False) -> list[str]:
    """Each question asked and its answer in words; long typed ones shortened unless `whole`."""
    lines = []
    for number, question in enumerate(questions_to_ask(consultation, progress.answers), start=1):
        said = describe_answer(question, progress.answers.get(question.id))
        answer = said if whole else shortened(said)
        lines.append(f"{number}. {question.text}\n   ➡️ {answer}")
    return lines


def review_screen(consultation: Consultation, progress: Progress) -> Screen:
    lines = [texts.REVIEW_TITLE, "", *_answer_lines(consultation, progress), "", texts.REVIEW_ASK]
    return Screen(
        "\n".join(lines),
        _rows(
            [Button(texts.SUBMIT_BUTTON, Action(Kind.SUBMIT, consultation.id))],
            [
                Button(texts.BACK_BUTTON, Action(Kind.BACK, consultation.id)),
                Button(texts.PAUSE_BUTTON, Action(Kind.PAUSE, consultation.id)),
            ],
        ),
        menu=True,
    )


def sent_screen(consultation: Consultation, progress: Progress) -> Screen:
    """The review, once sent: their answers stay in view, with the thank-you under them (a
    preview's ends by asking the worker whether to launch it)."""
    lines = [texts.SENT_TITLE, "", *_answer_lines(consultation, progress), ""]
    previewed = consultation.preview_of
    if previewed is None:
        lines.append(texts.THANK_YOU)
        return Screen("\n".join(lines), ((Button(texts.FEEDBACK_BUTTON, Action(Kind.FEEDBACK)),),))
    lines.append(PREVIEW_END)
    decide = [
        Button(LAUNCH_IT_BUTTON, Action(Kind.PREVIEWED, previewed, value=PREVIEW_LAUNCH)),
        Button(KEEP_DRAFT_BUTTON, Action(Kind.PREVIEWED, previewed, value=PREVIEW_KEEP)),
    ]
    return _bannered(consultation, Screen("\n".join(lines), (tuple(decide),)))


def did_you_mean_screen(label: str, action: Action) -> Screen:
    """Words typed at a question that name one of its buttons: that button, to tap."""
    return Screen(texts.DID_YOU_MEAN.format(label=label), ((Button(label, action),),))


def paused_screen(consultation: Consultation) -> Screen:
    return Screen(
        texts.PAUSED.format(title=consultation.title),
        ((Button(texts.CARRY_ON_BUTTON, Action(Kind.OPEN, consultation.id)),),),
        menu=True,  # after /cancel, the question above it is no longer live
    )


def reminder_screen(consultation: Consultation) -> Screen:
    return Screen(
        texts.REMINDER.format(title=consultation.title),
        ((Button(texts.CARRY_ON_BUTTON, Action(Kind.OPEN, consultation.id)),),),
    )


def erase_screen(facts: PrivacyFacts) -> Screen:
    return Screen(
        texts.ERASE_ASK.format(**facts.in_words()),
        (
            (Button(texts.ERASE_YES_BUTTON, Action(Kind.ERASE, value="1")),),
            (Button(texts.ERASE_NO_BUTTON, Action(Kind.ERASE, value="0")),),
        ),
    )


def updates_screen() -> Screen:
    return Screen(
        texts.UPDATES_ASK,
        (
            (Button(texts.UPDATES_YES_BUTTON, Action(Kind.UPDATES, value="1")),),
            (Button(texts.UPDATES_NO_BUTTON, Action(Kind.UPDATES, value="0")),),
        ),
    )


@dataclass(frozen=True)
class ContactRequest:
    """A safeguarding alert holding their Telegram id and name because they asked to be contacted."""

    alert_id: int
    day: str
    name: str
    pending: bool  # nobody in the team has picked it up yet: they may withdraw it


@dataclass(frozen=True)
class Answered:
    """One consultation of theirs: its wording, their response (if any), whether they voted, their ideas."""

    consultation: Consultation
    progress: Progress | None
    voted: bool
    ideas: tuple[str, ...]


@dataclass(frozen=True)
class Held:
    """Everything /mydata found about one young person."""

    agreed_on: str | None  # the day they agreed; None if they have not
    wants_updates: bool
    last_seen: str  # the month they last used the bot
    answered: tuple[Answered, ...]
    requests: tuple[ContactRequest, ...]
    concerns: int  # possible concerns still holding their Telegram id (or its mark)
    # (request id, the day) of feedback they sent asking for an answer that has not come yet
    answers_awaited: tuple[tuple[int, str], ...] = ()
    about_you: bool = False  # they answered (or skipped) some "about you" questions


def my_data_screen(held: Held) -> Screen:
    """What /mydata shows: their consent and settings, each consultation's answers in words,
    votes, ideas, contact requests (a button to withdraw each pending one), and that feedback
    cannot be found."""
    lines = [texts.MYDATA_TITLE, ""]
    reading = i18n.current()
    if held.agreed_on is not None:
        on_off = {True: texts.MYDATA_ON, False: texts.MYDATA_OFF}
        agreed = texts.MYDATA_AGREED.format(
            day=i18n.day_in_words(held.agreed_on),
            language=i18n.LANGUAGES[reading.language],
            easy=on_off[reading.easy],
            listen=on_off[reading.listen],
            updates=on_off[held.wants_updates],
            month=i18n.day_in_words(held.last_seen),
        )
        lines += [agreed, ""]
    for one in held.answered:
        title, progress = one.consultation.title, one.progress
        if progress is not None:
            heading = texts.MYDATA_SENT if progress.submitted else texts.MYDATA_IN_PROGRESS
            answers = _answer_lines(one.consultation, progress, whole=True) if progress.answers else []
            lines += [heading.format(title=title), *(answers or [texts.MYDATA_NO_ANSWERS])]
        if one.voted:
            lines.append(texts.MYDATA_VOTED.format(title=title))
        if one.ideas:
            lines.append(texts.MYDATA_IDEAS.format(title=title, ideas="; ".join(one.ideas)))
        lines.append("")
    if held.agreed_on is not None and not held.answered:
        lines += [texts.MYDATA_NO_RESPONSES, ""]
    for request in held.requests:
        said = texts.MYDATA_CONTACT_WAITING if request.pending else texts.MYDATA_CONTACT_TAKEN
        lines += [
            texts.MYDATA_CONTACT.format(day=i18n.day_in_words(request.day), name=request.name),
            said,
            "",
        ]
    if held.concerns:
        lines += [texts.MYDATA_CONCERN, ""]
    for _, day in held.answers_awaited:
        lines += [texts.MYDATA_ANSWER_WAITING.format(day=i18n.day_in_words(day)), ""]
    if held.about_you:
        lines += [texts.MYDATA_ABOUT_YOU, ""]
    if not (held.agreed_on or held.answered or held.requests or held.concerns or held.answers_awaited):
        lines += [texts.MYDATA_NOTHING, ""]
    lines += [texts.MYDATA_FEEDBACK, "", texts.MYDATA_MORE]
    buttons = tuple(
        (
            Button(
                texts.WITHDRAW_CONTACT_BUTTON.format(day=i18n.day_in_words(r.day)),
                Action(Kind.WITHDRAW_CONTACT, value=str(r.alert_id)),
            ),
        )
        for r in held.requests
        if r.pending
    )
    stop_waiting = tuple(
        (
            Button(
                texts.STOP_WAITING_BUTTON.format(day=i18n.day_in_words(day)),
                Action(Kind.STOP_WAITING, value=str(request_id)),
            ),
        )
        for request_id, day in held.answers_awaited
    )
    return Screen("\n".join(lines), buttons + stop_waiting)
