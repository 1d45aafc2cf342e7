"""Tests for newsroom.permissions: the default policy, desk scoping, TOML policies, the CLI.

The default policy is checked against :data:`EXPECTED`, a statement of the rules written out by
hand from the docs (not computed from the policy), for every (role, action, state).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict

import attrs
import pytest

import newsroom
from newsroom import Action, Actor, PublishState, Section, Workflow
from newsroom.cli import main
from newsroom.permissions import DEFAULT_POLICY, Policy, Rule, Scope, desk_covers, load_policy, parse_policy
from newsroom.testing import EDITOR, FixedClock, sample_article


A, S = Action, PublishState
ANY_STATE = frozenset(S)
EDITOR_ACTIONS = (
    A.SEND_BACK,
    A.APPROVE,
    A.SCHEDULE,
    A.UNSCHEDULE,
    A.PUBLISH,
    A.UPDATE,
    A.CORRECT,
    A.UNPUBLISH,
    A.REPUBLISH,
    A.SPIKE,
    A.UNSPIKE,
)

# role -> action -> the states from which the default policy lets the role act.
EXPECTED: dict[str, dict[Action, frozenset[PublishState]]] = {
    "reporter": {A.SUBMIT: frozenset({S.DRAFT})},
    "copy_editor": {
        A.SUBMIT: frozenset({S.DRAFT}),
        A.SEND_BACK: frozenset({S.IN_REVIEW}),
        A.UPDATE: frozenset({S.PUBLISHED}),
    },
    "editor": {A.SUBMIT: frozenset({S.DRAFT}), **dict.fromkeys(EDITOR_ACTIONS, ANY_STATE)},
    "legal": dict.fromkeys((A.CORRECT, A.UNPUBLISH, A.KILL), ANY_STATE),
    "editor_in_chief": dict.fromkeys(A, ANY_STATE),
    "admin": dict.fromkeys((A.SPIKE, A.UNSPIKE, A.UNSCHEDULE), ANY_STATE),
}
# (role, action) pairs that reach only the sections under the actor's desks.
DESK_SCOPED = {("copy_editor", A.SEND_BACK), ("copy_editor", A.UPDATE)} | {("editor", a) for a in EDITOR_ACTIONS}

ROLES = tuple(EXPECTED)


def actor(role: str, *desks: str) -> Actor:
    return Actor(name=f"Pat {role}", roles={role}, desks=desks)


def test_the_expected_table_covers_the_policys_roles() -> None:
    assert set(ROLES) == set(DEFAULT_POLICY.roles)


@pytest.mark.parametrize("state", list(S), ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_default_policy_every_role_action_state(role: str, action: Action, state: PublishState) -> None:
    allowed = state in EXPECTED[role].get(action, frozenset())
    desk_only = (role, action) in DESK_SCOPED
    world = actor(role, "world")
    cases = {
        "own desk, below it": (world, "world/europe", allowed),
        "own desk": (world, "world", allowed),
        "another desk": (world, "sports", allowed and not desk_only),
        "a desk that only shares a prefix": (world, "worldwide", allowed and not desk_only),
        "no section yet": (world, None, allowed),
        "an actor with no desk": (actor(role), "world", allowed and not desk_only),
    }
    for label, (who, section, expected) in cases.items():
        refusal = DEFAULT_POLICY.refusal(who, action, state, section)
        assert (refusal is None) == expected, f"{label}: {role} {action} from {state} in {section}: {refusal}"
        if refusal is not None:
            assert "default policy" in refusal


def test_an_actor_with_several_roles_gets_the_union() -> None:
    both = Actor(name="Dana", roles={"reporter", "legal"}, desks=["sports"])
    assert DEFAULT_POLICY.allows(both, "submit", "draft", "world")
    assert DEFAULT_POLICY.allows(both, "kill", "published", "world")
    assert not DEFAULT_POLICY.allows(both, "publish", "approved", "world")


def test_an_actor_without_roles_may_do_nothing() -> None:
    nobody = Actor(name="Visitor")
    assert all(DEFAULT_POLICY.refusal(nobody, m.action, m.source, "world") for m in newsroom.MOVES)
    assert "no roles" in (DEFAULT_POLICY.refusal(nobody, A.SUBMIT, S.DRAFT, "world") or "")


def test_role_spelling_is_normalized() -> None:
    chief = Actor(name="Chief", roles={"Editor-in-Chief"})
    assert DEFAULT_POLICY.allows(chief, "kill", "published", "sports")
    assert EDITOR.roles == {"editor_in_chief"}


def test_testing_editor_may_make_every_move_of_the_table() -> None:
    for move in newsroom.MOVES:
        assert DEFAULT_POLICY.refusal(EDITOR, move.action, move.source, "sports/football") is None, move
        assert DEFAULT_POLICY.refusal(EDITOR, move.action, move.source, None) is None, move


@pytest.mark.parametrize(
    ("desk", "section", "covered"),
    [
        ("world", "world", True),
        ("world", "world/europe", True),
        ("world", "world/europe/baltics", True),
        ("World/", "world/europe", True),
        ("world", "worldwide", False),
        ("world/europe", "world", False),
        ("world", "sports", False),
        ("world", None, False),
        ("", "sports", True),
        ("*", None, True),
    ],
)
def test_desk_covers_follows_the_section_tree(desk: str, section: str | None, covered: bool) -> None:
    assert desk_covers(desk, section) is covered


def test_refusals_name_the_rule() -> None:
    world = actor("editor", "world")
    refusal = DEFAULT_POLICY.refusal(world, A.PUBLISH, S.APPROVED, "sports")
    assert refusal is not None
    assert "rule 'desk-editor'" in refusal
    assert "world" in refusal
    assert "sports" in refusal
    refusal = DEFAULT_POLICY.refusal(actor("reporter"), A.PUBLISH, S.APPROVED, "world")
    assert refusal is not None
    assert "'desk-editor' and 'editor-in-chief'" in refusal
    assert "reporter" in refusal


# --------------------------------------------------------------------------- through the workflow


def _world_europe(story: newsroom.Article) -> newsroom.Article:
    return attrs.evolve(story, section=Section(name="Europe", parent="world"))


def _stories() -> dict[PublishState, newsroom.Article]:
    clock = FixedClock()
    draft = _world_europe(sample_article(clock=clock))
    out = {S.DRAFT: draft}
    out[S.SPIKED] = newsroom.spike(draft, actor=EDITOR, clock=clock)
    out[S.IN_REVIEW] = newsroom.submit(draft, actor=EDITOR, clock=clock)
    out[S.APPROVED] = newsroom.approve(out[S.IN_REVIEW], actor=EDITOR, clock=clock)
    out[S.SCHEDULED] = newsroom.schedule(out[S.APPROVED], at=clock.now + timedelta(days=1), actor=EDITOR, clock=clock)
    out[S.PUBLISHED] = newsroom.publish(out[S.APPROVED], actor=EDITOR, clock=clock)
    out[S.UNPUBLISHED] = newsroom.unpublish(out[S.PUBLISHED], actor=EDITOR, clock=clock)
    out[S.KILLED] = newsroom.kill(out[S.PUBLISHED], reason="legal", actor=EDITOR, clock=clock)
    return out


STORIES = _stories()


class _MoveArguments(TypedDict, total=False):
    """The keyword arguments of :func:`newsroom.transition` that some actions need."""

    at: datetime
    note: str
    correction: tuple[str, str]
    changes: dict[str, str]


def _arguments(action: Action, clock: FixedClock) -> _MoveArguments:
    if action is A.SCHEDULE:
        return {"at": clock.now + timedelta(hours=2)}
    if action is A.KILL:
        return {"note": "Defamation risk"}
    if action is A.CORRECT:
        return {"correction": ("correction", "A name was misspelt.")}
    if action is A.UPDATE:
        return {"changes": {"deck": "Updated deck"}}
    return {}


@pytest.mark.parametrize("move", newsroom.MOVES, ids=repr)
@pytest.mark.parametrize("role", ROLES)
def test_every_move_through_transition(role: str, move: newsroom.Move) -> None:
    clock = FixedClock()
    clock.advance(hours=1)
    workflow = Workflow(review_required=move.review is not False)
    story = STORIES[move.source]
    expected = move.source in EXPECTED[role].get(move.action, frozenset())
    for who, in_reach in (
        (actor(role, "world"), True),
        (actor(role, "sports"), (role, move.action) not in DESK_SCOPED),
    ):

        def run(who: Actor = who) -> newsroom.Article:
            return newsroom.transition(
                story, move.action, actor=who, clock=clock, workflow=workflow, **_arguments(move.action, clock)
            )

        if expected and in_reach:
            after = run()
            assert after.state is move.target
            assert after.history[-1].actor == who.name
        else:
            with pytest.raises(newsroom.PermissionDenied) as caught:
                run()
            err = caught.value
            assert (err.actor, err.action, err.state) == (who.name, move.action.value, move.source.value)
            assert err.rule in str(err)
            assert who.name in str(err)
            assert f"may not {move.action.value} a story that is {move.source.value}" in str(err)


def test_the_issues_examples() -> None:
    clock = FixedClock()
    approved = STORIES[S.APPROVED]
    with pytest.raises(newsroom.PermissionDenied, match="no rule of the default policy lets reporter publish"):
        newsroom.publish(approved, actor=actor("reporter", "world"), clock=clock)
    sports = attrs.evolve(
        STORIES[S.IN_REVIEW], section=Section(name="Football", parent="sports")
    )  # in review, text may change
    sports = newsroom.approve(sports, actor=EDITOR, clock=clock)
    with pytest.raises(newsroom.PermissionDenied, match=r"rule 'desk-editor'.*reaches only the actor's desks"):
        newsroom.publish(sports, actor=actor("editor", "world"), clock=clock)
    assert newsroom.publish(sports, actor=actor("editor", "sports"), clock=clock).state is S.PUBLISHED
    published = STORIES[S.PUBLISHED]
    killers = set()
    for role in ROLES:
        try:
            newsroom.kill(published, reason="Legal advice", actor=actor(role, ""), clock=clock)
        except newsroom.PermissionDenied:
            continue
        killers.add(role)
    assert killers == {"legal", "editor_in_chief"}


def test_permission_is_checked_before_the_guards() -> None:
    empty = newsroom.Article.draft(headline="Nothing yet")
    small_desk = Workflow(review_required=False)
    with pytest.raises(newsroom.PermissionDenied):
        newsroom.publish(empty, actor=actor("reporter", "world"), clock=FixedClock(), workflow=small_desk)
    with pytest.raises(newsroom.GuardError):
        newsroom.publish(empty, actor=actor("editor", "world"), clock=FixedClock(), workflow=small_desk)


def test_the_default_workflow_enforces_the_default_policy() -> None:
    assert Workflow().permissions is DEFAULT_POLICY
    assert Workflow(review_required=False).permissions is DEFAULT_POLICY
    anyone = Workflow(permissions=None)
    story = newsroom.submit(STORIES[S.DRAFT], actor=Actor(name="Anyone"), clock=FixedClock(), workflow=anyone)
    assert story.state is S.IN_REVIEW


def test_can_transition_asks_the_policy() -> None:
    story = STORIES[S.APPROVED]
    assert newsroom.can_transition(story, "publish", actor=actor("editor", "world"))
    assert not newsroom.can_transition(story, "publish", actor=actor("editor", "sports"))
    assert not newsroom.can_transition(story, "publish", actor=actor("reporter", "world"))


def test_a_custom_policy_in_a_workflow() -> None:
    policy = Policy(
        name="night",
        roles={"night_editor": "Publishes overnight"},
        rules=[Rule(name="night", roles=["night_editor"], actions=["publish"], scope="all", sections=["world"])],
    )
    night = Actor(name="Nina", roles={"night_editor"})
    workflow = Workflow(permissions=policy)
    clock = FixedClock()
    assert newsroom.publish(STORIES[S.APPROVED], actor=night, clock=clock, workflow=workflow).state is S.PUBLISHED
    sport = attrs.evolve(STORIES[S.IN_REVIEW], section=Section(name="Sport"))
    sport = newsroom.approve(sport, actor=EDITOR, clock=clock)
    with pytest.raises(newsroom.PermissionDenied, match=r"rule 'night' of the night policy .* reaches only world"):
        newsroom.publish(sport, actor=night, clock=clock, workflow=workflow)
    with pytest.raises(newsroom.PermissionDenied, match="no rule of the night policy lets anyone approve"):
        newsroom.approve(STORIES[S.IN_REVIEW], actor=night, clock=clock, workflow=workflow)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"roles": ["reporter"], "actions": ["publsh"]}, "actions[0]"),
        ({"roles": ["reporter"], "actions": []}, "actions"),
        ({"roles": [], "actions": ["submit"]}, "roles"),
        ({"roles": ["reporter"], "actions": ["submit"], "states": ["killed"]}, "from"),
        ({"roles": ["reporter"], "actions": ["submit"], "scope": "desks"}, "scope"),
        ({"roles": ["reporter"], "actions": ["submit"], "sections": ["World Europe"]}, "sections[0]"),
    ],
)
def test_rules_are_validated(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(newsroom.ValidationError) as caught:
        Rule(name="r", **kwargs)
    assert caught.value.path == path


def test_a_policy_rejects_undeclared_roles_and_duplicate_names() -> None:
    rule = Rule(name="r", roles=["reporter"], actions=["submit"])
    with pytest.raises(newsroom.ValidationError, match="unknown role 'reporter'"):
        Policy(roles={"editor": "e"}, rules=[rule])
    with pytest.raises(newsroom.ValidationError, match="used twice"):
        Policy(roles={"reporter": "r"}, rules=[rule, rule])
    with pytest.raises(newsroom.ValidationError, match="at least one rule"):
        Policy(roles={"reporter": "r"}, rules=[])


# --------------------------------------------------------------------------- TOML


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def test_the_default_policy_round_trips_through_toml() -> None:
    assert parse_policy(DEFAULT_POLICY.to_toml()) == DEFAULT_POLICY


GOOD = """\
# The Daily Planet
[policy]
name = "Daily Planet"
extends = "default"

[roles]
night_editor = "Publishes overnight on every desk."

[[rules]]
name = "night-desk"
roles = ["night-editor"]
actions = [
    "publish",   # the night shift publishes
    "update",
]
from = ["approved", "scheduled", "published"]
scope = "all"
sections = ["world", "business/markets"]
"""


def test_a_good_policy_loads(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(GOOD, encoding="utf-8")
    policy = load_policy(path)
    assert policy.name == "Daily Planet"
    assert set(policy.roles) == set(DEFAULT_POLICY.roles) | {"night_editor"}
    assert policy.rules[: len(DEFAULT_POLICY.rules)] == DEFAULT_POLICY.rules
    night = policy.rules[-1]
    assert night.name == "night-desk"
    assert night.roles == {"night_editor"}
    assert night.actions == {A.PUBLISH, A.UPDATE}
    assert night.states == frozenset({S.APPROVED, S.SCHEDULED, S.PUBLISHED})
    assert night.scope is Scope.ALL
    nina = Actor(name="Nina", roles={"night_editor"})
    assert policy.allows(nina, "publish", "approved", "business/markets/oil")
    assert not policy.allows(nina, "publish", "approved", "business")
    assert not policy.allows(nina, "publish", "draft", "world")
    assert not policy.allows(nina, "kill", "published", "world")


MALFORMED = [
    ("syntax error", '[policy]\nname = "x"\nextends = \n', "extends = ", "not valid TOML"),
    (
        "unknown action, in a multi-line array",
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = [\n  "submit",\n  "publsh",\n]\n',
        '"publsh"',
        "unknown action 'publsh'; did you mean 'publish'?",
    ),
    (
        "unknown role",
        '[roles]\neditor = "E"\n\n[[rules]]\nname = "a"\nroles = ["editr"]\nactions = ["approve"]\n',
        'roles = ["editr"]',
        "unknown role 'editr'; did you mean 'editor'?",
    ),
    (
        "unknown key in a rule",
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["submit"]\ncolour = "red"\n',
        "colour",
        "unknown key 'colour'",
    ),
    (
        "missing actions, in the second rule",
        (
            '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["submit"]\n\n'
            '[[rules]] # second\nname = "b"\nroles = ["r"]\n'
        ),
        "[[rules]] # second",
        "rule 'b': missing 'actions'",
    ),
    (
        "bad scope",
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["submit"]\nscope = "desks"\n',
        'scope = "desks"',
        'scope must be "desk" or "all"',
    ),
    (
        "a state the action never leaves",
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["kill"]\nfrom = ["draft"]\n',
        'from = ["draft"]',
        "can be taken from draft",
    ),
    (
        "a duplicate rule name",
        (
            '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["submit"]\n\n'
            '[[rules]]\nname = "a"  # again\nroles = ["r"]\nactions = ["spike"]\n'
        ),
        'name = "a"  # again',
        "already used by a rule in line 5",
    ),
    (
        "a rule name the default already uses",
        '[policy]\nextends = "default"\n\n[[rules]]\nname = "legal"\nroles = ["legal"]\nactions = ["submit"]\n',
        'name = "legal"',
        "already used by a rule in the default policy",
    ),
    ("no roles", '[policy]\nname = "x"\n\n[[rules]]\nname = "a"\n', "[policy]", "declares no roles"),
    ("an unknown table", '[roles]\nr = "R"\n\n[rulez]\nx = 1\n', "[rulez]", "unknown table or key 'rulez'"),
    (
        "extends something else",
        '[policy]\nextends = "strict"\n\n[roles]\nr = "R"\n',
        '"strict"',
        'extends must be "default"',
    ),
    ("rules as a string", 'rules = "all"\n\n[roles]\nr = "R"\n', 'rules = "all"', "array of tables"),
    (
        "empty actions",
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = []\n',
        "actions = []",
        "must not be empty",
    ),
    (
        "a bad section path",
        (
            '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["submit"]\n'
            'sections = [\n  "world",\n  "World Europe",\n]\n'
        ),
        '"World Europe"',
        "is not a section path",
    ),
    ("a role that is not text", "[roles]\nr = 3\n", "r = 3", "must be a description"),
    ("no rules", '[roles]\nr = "R"\n', "", "has no [[rules]]"),
]


@pytest.mark.parametrize(("text", "needle", "problem"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_policy_names_the_line_and_the_problem(
    tmp_path: Path, text: str, needle: str, problem: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    expected_line = line_of(text, needle) if needle else 1
    with pytest.raises(newsroom.PolicyError) as caught:
        load_policy(path)
    err = caught.value
    assert err.line == expected_line, str(err)
    assert str(err).startswith(f"{path}:{expected_line}: ")
    assert problem in str(err)


def test_every_problem_is_reported_in_line_order() -> None:
    text = (
        '[roles]\nr = "R"\n\n[[rules]]\nname = "a"\nroles = ["r"]\nactions = ["publsh"]\n\n'
        '[[rules]]\nname = "b"\nroles = ["q"]\nactions = ["submit"]\n'
    )
    with pytest.raises(newsroom.PolicyError) as caught:
        parse_policy(text, source="p.toml")
    lines = [line for line, _ in caught.value.problems]
    assert lines == [line_of(text, '"publsh"'), line_of(text, '["q"]')]
    assert len(str(caught.value).splitlines()) == 2


def test_a_policy_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(b'[roles]\nr = "R"\n# caf\xe9\n')
    with pytest.raises(newsroom.PolicyError, match=r"policy.toml:3: not UTF-8"):
        load_policy(path)


# --------------------------------------------------------------------------- docs and CLI


def test_the_markdown_matrix_agrees_with_the_expected_table() -> None:
    rows = [line for line in DEFAULT_POLICY.markdown().splitlines() if line.startswith("| ")]
    header = next(r for r in rows if r.startswith("| Action |"))
    roles = [c.strip().strip("`") for c in header.strip("|").split("|")[1:]]
    assert roles == list(ROLES)
    for action in A:
        row = next(r for r in rows if r.startswith(f"| {action.value} |"))
        cells = [c.strip() for c in row.strip("|").split("|")[1:]]
        for role, cell in zip(roles, cells, strict=True):
            allowed = bool(EXPECTED[role].get(action))
            assert (cell != "—") == allowed, (action, role, cell)
            if allowed:
                assert ("own desks" in cell) == ((role, action) in DESK_SCOPED), (action, role, cell)


DOCS = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
BEGIN, END = "<!-- BEGIN default-policy (generated: newsroom policy) -->", "<!-- END default-policy -->"


def test_the_docs_show_the_generated_default_policy() -> None:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(re.escape(BEGIN) + r"\n\n(.*?)\n" + re.escape(END), text, re.DOTALL)
    assert match, f"{DOCS} lacks the generated block between {BEGIN!r} and {END!r}"
    assert match.group(1) == DEFAULT_POLICY.markdown(), (
        "docs/permissions.md is out of date: replace its default-policy block with `newsroom policy`"
    )


def test_cli_policy_prints_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy"]) == 0
    out = capsys.readouterr().out
    assert "| `desk-editor` | `editor` |" in out
    assert main(["policy", "--format", "toml"]) == 0
    assert parse_policy(capsys.readouterr().out) == DEFAULT_POLICY


def test_cli_policy_checks_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["policy", "--file", str(good)]) == 0
    assert "`night-desk`" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('"update"', '"updaet"'), encoding="utf-8")
    assert main(["policy", "--file", str(bad)]) == 2
    err = capsys.readouterr().err
    line = line_of(GOOD, '"update"')
    assert f"{bad}:{line}: rule 'night-desk': actions[1]: unknown action 'updaet'" in err
    assert main(["policy", "--file", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the policy" in capsys.readouterr().err
