"""Who may do what: roles, desks, and a policy table checked before every transition.

A :class:`Policy` is a set of named :class:`Rule` rows. Each rule lets the actors holding one
of its roles perform some actions, from some states (or any state the workflow table allows),
on some sections: every section (``scope = "all"``) or only those under the actor's desks
(``scope = "desk"``), optionally narrowed to a list of sections. Section paths follow the
hierarchy: ``world`` covers ``world/europe`` but not ``worldwide``. A move is allowed when at
least one rule allows it; otherwise :meth:`Policy.refusal` names the rule that came closest,
or says that no rule covers the move at all.

:data:`DEFAULT_POLICY` is what :class:`~newsroom.states.Workflow` enforces unless told
otherwise; :meth:`Policy.markdown` draws it as the table in the docs, and
:meth:`Policy.to_toml` writes it as a starting point for a newsroom's own policy, which
:func:`load_policy` reads back. A malformed policy fails on load with a
:class:`~newsroom.errors.PolicyError` naming the line and the problem.

The policy decides *who* may move a story; the workflow table in :mod:`newsroom.states`
decides which moves exist, and the guards decide whether the story is ready. This module
must never import :mod:`newsroom.articles` (it is imported while :mod:`newsroom.states` is
still loading, to build the default workflow), a plugin or the CLI.
"""

from __future__ import annotations

import difflib
import enum
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from newsroom.errors import PolicyError, ValidationError
from newsroom.states import MOVES, Action, Actor, PublishState


__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_ROLES",
    "Policy",
    "Rule",
    "Scope",
    "desk_covers",
    "load_policy",
    "normalize_role",
    "parse_policy",
]

_ROLE_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION_PATH: Final = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")
WHOLE_PAPER: Final = frozenset({"", "*"})
"""Desk names that cover every section."""


def normalize_role(name: str) -> str:
    """The canonical spelling of a role: lower case, ``-`` and spaces as ``_``.

    ``Editor-in-Chief`` and ``editor_in_chief`` name the same role.
    """
    return re.sub(r"[\s-]+", "_", name.strip()).lower()


def _normalize_path(path: str) -> str:
    return path.strip().strip("/").lower()


def desk_covers(desk: str, section: str | None) -> bool:
    """Whether ``desk`` (a section path) covers a story in ``section``.

    ``world`` covers ``world`` and ``world/europe``, not ``worldwide``. The whole-paper desk
    (``""`` or ``"*"``) covers every section; any other desk covers only its part of the
    section tree, and no section (``None``) is in any part of it.
    """
    desk = _normalize_path(desk)
    if desk in WHOLE_PAPER:
        return True
    if section is None:
        return False
    section = _normalize_path(section)
    return section == desk or section.startswith(desk + "/")


class Scope(enum.StrEnum):
    """Which sections a rule reaches."""

    ALL = "all"
    """Every section, whatever the actor's desks."""
    DESK = "desk"
    """Only sections under one of the actor's desks (``world`` covers ``world/europe``)."""


# --------------------------------------------------------------------------- rules


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("name", "must be non-empty text")
    return value.strip()


def _roles(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("roles", "must be a list of role names")
    out = set()
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise ValidationError(f"roles[{i}]", f"must be a role name, not {type(item).__name__}")
        role = normalize_role(item)
        if not _ROLE_NAME.match(role):
            raise ValidationError(f"roles[{i}]", f"{item!r} is not a role name (letters, digits and _)")
        out.add(role)
    if not out:
        raise ValidationError("roles", "must name at least one role")
    return frozenset(out)


def _enum_set(cls: type[Action | PublishState], field: str, value: object) -> frozenset[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(field, f"must be a list of {cls.__name__} names")
    items = list(value)
    if any(item == "*" for item in items):
        return frozenset(cls)
    out = set()
    for i, item in enumerate(items):
        try:
            out.add(cls(item))
        except ValueError:
            names = [m.value for m in cls]
            hint = difflib.get_close_matches(str(item), names, n=1)
            did_you_mean = f"; did you mean {hint[0]!r}?" if hint else ""
            kind = "action" if cls is Action else "state"
            raise ValidationError(
                f"{field}[{i}]", f"unknown {kind} {item!r}{did_you_mean} (known: {', '.join(names)})"
            ) from None
    if not out:
        empty = "leave it out to mean every state" if cls is PublishState else "name at least one action, or '*'"
        raise ValidationError(field, f"must not be empty ({empty})")
    return frozenset(out)


def _actions(value: object) -> frozenset[Action]:
    return _enum_set(Action, "actions", value)


def _states(value: object) -> frozenset[PublishState] | None:
    return None if value is None else _enum_set(PublishState, "from", value)


def _sections(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("sections", "must be a list of section paths")
    out = []
    for i, item in enumerate(value):
        path = _normalize_path(item) if isinstance(item, str) else item
        if not isinstance(path, str) or not _SECTION_PATH.match(path):
            raise ValidationError(f"sections[{i}]", f"{item!r} is not a section path such as 'world/europe'")
        out.append(path)
    return tuple(out)


def _description(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValidationError("description", f"must be text, not {type(value).__name__}")
    return value.strip() or None if value is not None else None


def _scope(value: object) -> Scope:
    if isinstance(value, str) and value in {s.value for s in Scope}:
        return Scope(value)
    msg = f'must be "desk" or "all", not {value!r}'
    raise ValidationError("scope", msg)


def _ordered(values: Iterable[enum.StrEnum], order: Iterable[enum.StrEnum]) -> list[str]:
    chosen = set(values)
    return [v.value for v in order if v in chosen]


@attrs.frozen(kw_only=True)
class Rule:
    """One row of a policy: ``roles`` may do ``actions`` from ``states`` on some sections."""

    name: str = attrs.field(converter=_name)
    """A short, unique name; refusals quote it."""
    roles: frozenset[str] = attrs.field(converter=_roles)
    """The roles it applies to (any one is enough)."""
    actions: frozenset[Action] = attrs.field(converter=_actions)
    """The workflow actions it allows."""
    states: frozenset[PublishState] | None = attrs.field(default=None, converter=_states)
    """The states the story may be in; ``None``: any state from which the table allows the action."""
    scope: Scope = attrs.field(default=Scope.DESK, converter=_scope)
    """``desk``: only stories in sections under the actor's desks; ``all``: every section."""
    sections: tuple[str, ...] = attrs.field(factory=tuple, converter=_sections)
    """If given, the rule reaches only these sections and those below them."""
    description: str | None = attrs.field(default=None, converter=_description)
    """Why the rule exists, for the docs."""

    @states.validator
    def _states_reachable(self, _attr: object, states: frozenset[PublishState] | None) -> None:
        if states is None:
            return
        for state in sorted(states, key=list(PublishState).index):
            if not any(m.source is state and m.action in self.actions for m in MOVES):
                acts = ", ".join(_ordered(self.actions, Action))
                raise ValidationError(
                    "from",
                    f"no action of this rule ({acts}) can be taken from {state.value} "
                    "(see the workflow table: `newsroom workflow --format table`)",
                )

    def permits(self, action: Action, state: PublishState) -> bool:
        """Whether the rule speaks about ``action`` from ``state`` (roles and sections aside)."""
        return action in self.actions and (self.states is None or state in self.states)

    def reaches(self, actor: Actor, section: str | None) -> bool:
        """Whether a story in ``section`` is within this rule's reach for ``actor``.

        A desk-scoped rule reaches a story with no section yet for any actor who has a desk:
        no desk owns it, and it cannot be scheduled or published until it has a section (a
        guard), after which the desk scope applies. A rule limited to ``sections`` never
        reaches it.
        """
        if self.sections and not any(desk_covers(s, section) for s in self.sections):
            return False
        if self.scope is Scope.ALL:
            return True
        if section is None:  # nobody's desk owns it yet; it cannot be published without a section
            return bool(actor.desks)
        return any(desk_covers(desk, section) for desk in actor.desks)

    def where(self) -> str:
        """The rule's reach in words: ``own desks``, ``all sections``, ``sports (own desks)``."""
        base = "own desks" if self.scope is Scope.DESK else "all sections"
        if self.sections:
            listed = ", ".join(self.sections)
            return f"{listed} ({base})" if self.scope is Scope.DESK else listed
        return base

    def describe(self) -> str:
        """The rule in one line, e.g. ``editor: publish from approved, scheduled on own desks``."""
        acts = "every action" if self.actions == frozenset(Action) else ", ".join(_ordered(self.actions, Action))
        states = "" if self.states is None else " from " + ", ".join(_ordered(self.states, PublishState))
        return f"{', '.join(sorted(self.roles))}: {acts}{states} on {self.where()}"


# --------------------------------------------------------------------------- policies


def _role_table(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError("roles", "must map role names to descriptions")
    out: dict[str, str] = {}
    for key, text in value.items():
        role = normalize_role(key) if isinstance(key, str) else key
        if not isinstance(role, str) or not _ROLE_NAME.match(role):
            raise ValidationError(f"roles.{key}", f"{key!r} is not a role name (letters, digits and _)")
        if not isinstance(text, str):
            raise ValidationError(f"roles.{key}", f"must be a description (text), not {type(text).__name__}")
        out[role] = text.strip()
    return MappingProxyType(out)


def _rule_tuple(value: Iterable[Rule]) -> tuple[Rule, ...]:
    rules = tuple(value)
    for i, rule in enumerate(rules):
        if not isinstance(rule, Rule):
            raise ValidationError(f"rules[{i}]", f"must be a Rule, not {type(rule).__name__}")
    return rules


@attrs.frozen(kw_only=True)
class Policy:
    """A newsroom's permission policy: its roles and the rules that allow moves.

    Satisfies :class:`~newsroom.states.PermissionCheck`, so it can be a
    :class:`~newsroom.states.Workflow`'s ``permissions``. Anything no rule allows is refused.
    """

    name: str = attrs.field(default="custom", converter=_name)
    """What the policy is called in refusals (``default`` for :data:`DEFAULT_POLICY`)."""
    roles: Mapping[str, str] = attrs.field(converter=_role_table, hash=False)
    """Every role the policy knows, with a description; rules may name only these."""
    rules: tuple[Rule, ...] = attrs.field(converter=_rule_tuple)
    """The rules, in the order they are listed."""

    @rules.validator
    def _check_rules(self, _attr: object, rules: tuple[Rule, ...]) -> None:
        if not rules:
            raise ValidationError("rules", "a policy needs at least one rule, or nobody could do anything")
        seen: set[str] = set()
        for i, rule in enumerate(rules):
            if rule.name in seen:
                raise ValidationError(f"rules[{i}].name", f"rule name {rule.name!r} is used twice")
            seen.add(rule.name)
            unknown = sorted(rule.roles - set(self.roles))
            if unknown:
                raise ValidationError(f"rules[{i}].roles", _unknown_role(unknown[0], self.roles))

    def rules_for(self, action: Action | str, state: PublishState | str) -> tuple[Rule, ...]:
        """The rules that speak about ``action`` from ``state``, whoever the actor."""
        action, state = Action(action), PublishState(state)
        return tuple(r for r in self.rules if r.permits(action, state))

    def refusal(self, actor: Actor, action: Action, state: PublishState, section: str | None) -> str | None:
        """Return why ``actor`` may not take ``action`` on a story in ``state`` and ``section``.

        ``None`` means a rule allows it. Otherwise the text names the policy and the rule
        that refused, e.g. ``rule 'desk-editor' (editor: ... on own desks) reaches only the
        actor's desks (world), and the story is in sports``.
        """
        action, state = Action(action), PublishState(state)
        candidates = self.rules_for(action, state)
        if not candidates:
            return f"no rule of the {self.name} policy lets anyone {action.value} a story that is {state.value}"
        roles = frozenset(normalize_role(r) for r in actor.roles)
        mine = [r for r in candidates if r.roles & roles]
        if not mine:
            holders = sorted({role for r in candidates for role in r.roles})
            quoted = [repr(r.name) for r in candidates]
            names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            which = f"rule {names} allows" if len(quoted) == 1 else f"rules {names} allow"
            has = ", ".join(sorted(roles)) if roles else "no roles"
            return (
                f"no rule of the {self.name} policy lets {has} {action.value} a story that is {state.value}; "
                f"{which} it only for {', '.join(holders)}"
            )
        for rule in mine:
            if rule.reaches(actor, section):
                return None
        rule = mine[0]
        where = f"is in {section}" if section else "has no section yet"
        if rule.sections and not any(desk_covers(s, section) for s in rule.sections):
            reach = f"reaches only {', '.join(rule.sections)}"
        else:
            desks = ", ".join(d or "(whole paper)" for d in actor.desks) or "none"
            reach = f"reaches only the actor's desks ({desks})"
        return f"rule {rule.name!r} of the {self.name} policy ({rule.describe()}) {reach}, and the story {where}"

    def allows(self, actor: Actor, action: Action | str, state: PublishState | str, section: str | None) -> bool:
        """Whether some rule lets ``actor`` take ``action`` from ``state`` in ``section``."""
        return self.refusal(actor, Action(action), PublishState(state), section) is None

    # ----------------------------------------------------------------- presentation

    def markdown(self) -> str:
        """The policy as Markdown: roles, rules, and a who-may-do-what matrix.

        The docs page ``permissions.md`` embeds this for :data:`DEFAULT_POLICY`, and a test
        keeps the page equal to it. ``newsroom policy`` prints it.
        """
        out = ["| Role | Who |", "|---|---|"]
        out += [f"| `{role}` | {_cell(text)} |" for role, text in self.roles.items()]
        out += ["", "| Rule | Roles | Actions | From | Reach |", "|---|---|---|---|---|"]
        for rule in self.rules:
            acts = "every action" if rule.actions == frozenset(Action) else ", ".join(_ordered(rule.actions, Action))
            states = "any" if rule.states is None else ", ".join(_ordered(rule.states, PublishState))
            roles = ", ".join(f"`{r}`" for r in sorted(rule.roles))
            out.append(f"| `{rule.name}` | {roles} | {acts} | {states} | {rule.where()} |")
        names = list(self.roles)
        out += ["", "| Action | " + " | ".join(f"`{r}`" for r in names) + " |", "|---" * (len(names) + 1) + "|"]
        for action in Action:
            out.append(f"| {action.value} | " + " | ".join(self._matrix_cell(role, action) for role in names) + " |")
        return "\n".join(out) + "\n"

    def _matrix_cell(self, role: str, action: Action) -> str:
        sources = [s for s in PublishState if any(m.source is s and m.action is action for m in MOVES)]
        by_where: dict[str, list[PublishState]] = {}
        for state in sources:
            rules = [r for r in self.rules if role in r.roles and r.permits(action, state)]
            if not rules:
                continue
            best = min(rules, key=lambda r: (bool(r.sections), r.scope is Scope.DESK))
            by_where.setdefault(best.where(), []).append(state)
        if not by_where:
            return "—"
        parts = []
        for where, states in by_where.items():
            origin = "" if len(states) == len(sources) else "from " + ", ".join(s.value for s in states) + ", "
            parts.append(origin + where)
        return "; ".join(parts)

    def to_toml(self) -> str:
        """The policy as TOML that :func:`parse_policy` reads back to an equal policy."""
        out = [
            "# A newsroom permission policy (see docs/permissions.md).",
            "# A move is allowed when at least one rule allows it.",
            "",
            "[policy]",
            f"name = {_toml_str(self.name)}",
            "",
            "[roles]",
        ]
        out += [f"{role} = {_toml_str(text)}" for role, text in self.roles.items()]
        for rule in self.rules:
            out += ["", "[[rules]]", f"name = {_toml_str(rule.name)}"]
            if rule.description:
                out.append(f"description = {_toml_str(rule.description)}")
            out.append(f"roles = {_toml_list(sorted(rule.roles))}")
            acts = ["*"] if rule.actions == frozenset(Action) else _ordered(rule.actions, Action)
            out.append(f"actions = {_toml_list(acts)}")
            if rule.states is not None:
                out.append(f"from = {_toml_list(_ordered(rule.states, PublishState))}")
            out.append(f"scope = {_toml_str(rule.scope.value)}")
            if rule.sections:
                out.append(f"sections = {_toml_list(rule.sections)}")
        return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(i) for i in items) + "]"


def _unknown_role(role: str, known: Iterable[str]) -> str:
    known = sorted(known)
    hint = difflib.get_close_matches(role, known, n=1)
    did_you_mean = f"; did you mean {hint[0]!r}?" if hint else ""
    return f"unknown role {role!r}{did_you_mean} (declared roles: {', '.join(known)}; declare new ones under [roles])"


# --------------------------------------------------------------------------- the default

DEFAULT_ROLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "reporter": "Writes stories and files them for review.",
        "copy_editor": "Edits stories on their desks: sends them back to the reporter, and fixes published "
        "stories as updates.",
        "editor": "Runs a desk: approves, schedules, publishes, updates, corrects, takes down and spikes "
        "stories in their desks' sections.",
        "legal": "Corrects, takes down or kills any published story, in any section.",
        "editor_in_chief": "May make every move in every section.",
        "admin": "Runs the system, not the news: clears the spike and stops scheduled stories, but cannot "
        "publish, change or kill one.",
    }
)
"""The roles of :data:`DEFAULT_POLICY`, with what each is for."""

_A = Action
DEFAULT_POLICY: Final = Policy(
    name="default",
    roles=DEFAULT_ROLES,
    rules=(
        Rule(
            name="file",
            roles={"reporter", "copy_editor", "editor"},
            actions={_A.SUBMIT},
            states={PublishState.DRAFT},
            scope=Scope.ALL,
            description="Anyone on staff may file a draft for review, for any section.",
        ),
        Rule(
            name="copy-desk",
            roles={"copy_editor"},
            actions={_A.SEND_BACK},
            states={PublishState.IN_REVIEW},
            description="Copy editors return stories in review to the reporter; once approved, only an editor can.",
        ),
        Rule(
            name="copy-fixes",
            roles={"copy_editor"},
            actions={_A.UPDATE},
            states={PublishState.PUBLISHED},
            description="Copy editors fix published stories as a new version (a correction needs an editor).",
        ),
        Rule(
            name="desk-editor",
            roles={"editor"},
            actions={
                _A.SEND_BACK,
                _A.APPROVE,
                _A.SCHEDULE,
                _A.UNSCHEDULE,
                _A.PUBLISH,
                _A.UPDATE,
                _A.CORRECT,
                _A.UNPUBLISH,
                _A.REPUBLISH,
                _A.SPIKE,
                _A.UNSPIKE,
            },
            description="A desk editor runs the desk's stories from review to publication, but does not kill.",
        ),
        Rule(
            name="legal",
            roles={"legal"},
            actions={_A.CORRECT, _A.UNPUBLISH, _A.KILL},
            scope=Scope.ALL,
            description="Legal may correct, take down or kill any story; only legal and the editor-in-chief kill.",
        ),
        Rule(
            name="editor-in-chief",
            roles={"editor_in_chief"},
            actions=set(Action),
            scope=Scope.ALL,
            description="The editor-in-chief may make every move the workflow table allows, anywhere.",
        ),
        Rule(
            name="admin",
            roles={"admin"},
            actions={_A.SPIKE, _A.UNSPIKE, _A.UNSCHEDULE},
            scope=Scope.ALL,
            description="Administrators keep the system tidy; they never publish, change or kill a story.",
        ),
    ),
)
"""The policy a :class:`~newsroom.states.Workflow` enforces unless given another.

- a reporter files drafts for review and does nothing else;
- a copy editor sends stories in review back and fixes published ones as updates, on their desks;
- a desk editor does everything but kill, on their desks (World cannot publish to Sports);
- only legal and the editor-in-chief kill;
- the editor-in-chief does everything, everywhere;
- an admin only spikes, unspikes and unschedules.
"""
del _A


# --------------------------------------------------------------------------- TOML


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


def _depth_change(line: str, state: list[str]) -> int:
    """Bracket depth change of one line, outside strings and comments (best effort)."""
    depth = 0
    i = 0
    while i < len(line):
        if state:
            quote = state[0]
            if line.startswith(quote, i) and (len(quote) > 1 or line[i - 1 : i] != "\\" or quote == "'"):
                state.clear()
                i += len(quote)
                continue
            i += 1
            continue
        ch = line[i]
        if ch == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state.append(line[i : i + 3])
            i += 3
            continue
        if ch in "\"'":
            state.append(ch)
            i += 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    if state and len(state[0]) == 1:  # single-line strings end with the line
        state.clear()
    return depth


class _Locator:
    """Finds the line of a key, table or value in TOML text, for semantic error messages.

    tomllib returns plain dicts, so after parsing we scan the text again: table headers,
    keys at bracket depth zero, and the lines each key's value spans.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.where: dict[tuple[str | int, ...], tuple[int, int]] = {}
        prefix: tuple[str | int, ...] = ()
        counts: dict[tuple[str, ...], int] = {}
        depth = 0
        strings: list[str] = []
        current: tuple[str | int, ...] | None = None
        for number, line in enumerate(self.lines, start=1):
            if depth == 0 and not strings:
                header = _HEADER.match(line)
                key = _KEY.match(line)
                if header and not key:
                    names = _split_key(header.group(2))
                    if header.group(1) == "[[":
                        index = counts.get(names, 0)
                        counts[names] = index + 1
                        prefix = (*names, index)
                    else:
                        prefix = names
                    self._close(current, number - 1)
                    self.where[prefix] = (number, number)
                    current = None
                    continue
                if key:
                    self._close(current, number - 1)
                    current = (*prefix, *_split_key(key.group(1)))
                    self.where[current] = (number, number)
            depth += _depth_change(line, strings)
        self._close(current, len(self.lines))

    def _close(self, key: tuple[str | int, ...] | None, last: int) -> None:
        if key is not None:
            start, _ = self.where[key]
            self.where[key] = (start, max(start, last))

    def line(self, path: tuple[str | int, ...], value: object = None) -> int:
        """The line of ``path`` (or of ``value`` within it), falling back to its nearest parent."""
        for cut in range(len(path), 0, -1):
            span = self.where.get(path[:cut])
            if span is None:
                continue
            if value is not None and cut == len(path):
                literal = _toml_str(value) if isinstance(value, str) else str(value)
                for number in range(span[0], span[1] + 1):
                    text = self.lines[number - 1]
                    if literal in text or (isinstance(value, str) and f"'{value}'" in text):
                        return number
            return span[0]
        return 1


_POLICY_KEYS: Final = frozenset({"name", "extends"})
_RULE_KEYS: Final = frozenset({"name", "description", "roles", "actions", "from", "scope", "sections"})

_KeyPath = tuple[str | int, ...]


class _Reader:
    """Turns parsed TOML into a policy, collecting every problem with its line."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.locator = _Locator(text)
        self.problems: list[tuple[int, str]] = []
        self.name = "custom"
        self.base: Policy | None = None
        self.roles: dict[str, str] = {}
        self.rules: list[Rule] = []
        self.rule_lines: dict[str, int | None] = {}

    def add(self, path: _KeyPath, problem: str, value: object = None) -> None:
        self.problems.append((self.locator.line(path, value), problem))

    def read(self, data: Mapping[str, Any]) -> Policy:
        for key in data:
            if key not in {"policy", "roles", "rules"}:
                self.add((key,), f"unknown table or key {key!r}; a policy has [policy], [roles] and [[rules]]")
        self.read_meta(data.get("policy", {}))
        self.read_roles(data.get("roles"))
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
            self.add(("rules",), "rules must be an array of tables: write each rule under a [[rules]] header")
            raw_rules = []
        for i, raw in enumerate(raw_rules):
            self.read_rule(i, raw)
        if not self.rules and not self.problems:
            self.add(("rules",), "the policy has no [[rules]]: nobody could do anything")
        if self.problems:
            raise PolicyError(self.problems, source=self.source)
        return Policy(name=self.name, roles=self.roles, rules=self.rules)

    def read_meta(self, meta: object) -> None:
        if not isinstance(meta, dict):
            self.add(("policy",), "policy must be a table: [policy]")
            return
        for key, value in meta.items():
            if key not in _POLICY_KEYS:
                self.add(("policy", key), f"[policy]: unknown key {key!r} (known: extends, name)")
            elif key == "name":
                if isinstance(value, str) and value.strip():
                    self.name = value.strip()
                else:
                    self.add(("policy", key), "[policy]: name must be non-empty text")
            elif value == "default":
                self.base = DEFAULT_POLICY
                self.roles.update(DEFAULT_POLICY.roles)
                self.rules.extend(DEFAULT_POLICY.rules)
                self.rule_lines.update(dict.fromkeys((r.name for r in DEFAULT_POLICY.rules), None))
            else:
                self.add(("policy", key), f'[policy]: extends must be "default", not {value!r}', value)

    def read_roles(self, raw: object) -> None:
        if raw is None:
            if self.base is None:
                self.add(("policy",), 'the policy declares no roles: add a [roles] table (or extends = "default")')
            return
        if not isinstance(raw, dict):
            self.add(("roles",), "roles must be a table mapping each role to a description: [roles]")
            return
        for key, value in raw.items():
            try:
                self.roles.update(_role_table({key: value}))
            except ValidationError as exc:
                self.add(("roles", key), f"[roles]: {key}: {exc.rule}")

    def read_rule(self, i: int, raw: Mapping[str, Any]) -> None:
        here: _KeyPath = ("rules", i)
        label = f"rule {raw['name']!r}" if isinstance(raw.get("name"), str) else f"[[rules]] #{i + 1}"
        before = len(self.problems)
        for key in raw:
            if key not in _RULE_KEYS:
                self.add((*here, key), f"{label}: unknown key {key!r} (known: {', '.join(sorted(_RULE_KEYS))})")
        for key in ("name", "roles", "actions"):
            if key not in raw:
                self.add(here, f"{label}: missing {key!r}")
        for role in raw.get("roles", ()) if isinstance(raw.get("roles"), list) else ():
            known = isinstance(role, str) and normalize_role(role) in self.roles
            if isinstance(role, str) and _ROLE_NAME.match(normalize_role(role)) and not known:
                self.add((*here, "roles"), f"{label}: roles: {_unknown_role(role, self.roles)}", role)
        if "scope" in raw and raw["scope"] not in {s.value for s in Scope}:
            self.add((*here, "scope"), f'{label}: scope must be "desk" or "all", not {raw["scope"]!r}')
        name = raw.get("name")
        if isinstance(name, str) and name.strip() in self.rule_lines:
            line = self.rule_lines[name.strip()]
            where = "the default policy" if line is None else f"line {line}"
            self.add((*here, "name"), f"{label}: the name is already used by a rule in {where}")
        # Check each field on its own, so one rule's problems are all reported at once.
        checks = {"name": _name, "roles": _roles, "actions": _actions, "from": _states}
        checks |= {"sections": _sections, "description": _description}
        for key, check in checks.items():
            if key in raw:
                try:
                    check(raw[key])
                except ValidationError as exc:
                    where, index = _field_of(exc.path)
                    self.add((*here, where), f"{label}: {exc.path}: {exc.rule}", _value_at(raw, where, index))
        if len(self.problems) > before:
            return
        try:
            rule = Rule(
                name=raw["name"],
                roles=raw["roles"],
                actions=raw["actions"],
                states=raw.get("from"),
                scope=_scope(raw.get("scope", "desk")),
                sections=raw.get("sections", ()),
                description=raw.get("description"),
            )
        except ValidationError as exc:
            key, index = _field_of(exc.path)
            self.add((*here, key), f"{label}: {exc.path}: {exc.rule}", _value_at(raw, key, index))
            return
        self.rule_lines[rule.name] = self.locator.line((*here, "name"))
        self.rules.append(rule)


def parse_policy(text: str, *, source: str = "<policy>") -> Policy:
    """Read a policy from TOML text.

    The format (``newsroom policy --format toml`` prints the default as an example)::

        [policy]
        name = "Daily Planet"
        extends = "default"        # optional: start from the default roles and rules

        [roles]                    # every role the rules use (added to the default's)
        night_editor = "Publishes overnight on every desk."

        [[rules]]
        name = "night-desk"
        roles = ["night_editor"]
        actions = ["publish", "update"]      # or ["*"] for every action
        from = ["approved", "scheduled"]     # optional: leave out for any state
        scope = "all"                        # "desk" (default): only the actor's desks
        sections = ["world"]                 # optional: only these sections and below

    Args:
        text: The TOML.
        source: A name for error messages, usually the file's path.

    Raises:
        PolicyError: The TOML is malformed, or a table, key or value breaks a rule. The
            message names each problem with its line, e.g. ``policy.toml:12: rule
            'night-desk': actions[1]: unknown action 'publsh'; did you mean 'publish'?``.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        if match:
            line, problem = int(match.group(1)), f"not valid TOML: {message} (column {match.group(2)})"
        else:
            line, problem = len(text.splitlines()) or 1, f"not valid TOML: {message} (at the end of the file)"
        raise PolicyError([(line, problem)], source=source) from exc
    return _Reader(text, source).read(data)


def _field_of(path: str) -> tuple[str, int | None]:
    match = re.match(r"^([a-z_]+)(?:\[(\d+)\])?", path)
    if not match:
        return path, None
    return match.group(1), int(match.group(2)) if match.group(2) else None


def _value_at(raw: Mapping[str, Any], key: str, index: int | None) -> object:
    value = raw.get(key)
    if index is not None and isinstance(value, list) and index < len(value):
        return value[index]
    return value if isinstance(value, str) else None


def load_policy(path: str | Path) -> Policy:
    """Read a policy from a TOML file (see :func:`parse_policy` for the format).

    Raises:
        PolicyError: The file is malformed; the message names ``path``, the line and the problem.
        OSError: The file cannot be read.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError([(line, f"not UTF-8: {exc.reason}")], source=str(path)) from exc
    return parse_policy(text, source=str(path))
