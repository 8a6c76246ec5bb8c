"""Markdown: the plan and its updates in words a strategist reads and forwards.

Renderers are plain functions of a :class:`~nichefinder.results.Plan` (or
:class:`~nichefinder.results.Update`) returning text; nothing here reads or writes files.
"""

from __future__ import annotations

import pandas as pd

from ..results import Plan, Update
from .formats import hours as _hours
from .formats import md_escape, plural
from .formats import pct as _pct
from .sections import fte, plain_notes, plain_reason, plain_staff_reasons, wants

__all__ = ["render_markdown", "render_update_markdown", "render_update_summary"]


def render_markdown(plan: Plan) -> str:
    """The plan as a Markdown report a strategist can read and forward.

    States how many feeds and why, who staffs each with how many hours, and for every group why
    it is or is not a feed.
    """
    s = plan.summary
    lines = ["# Channel plan", ""]
    lines += [
        f"**{plural(s.feeds, 'feed')}** recommended from **{plural(s.groups, 'interest group')}** "
        "found in "
        f"{s.rows_read} rows: {s.rows_grouped} grouped, {s.rows_noise} off-topic, "
        f"{s.rows_rejected} rejected as unusable input.",
        "",
    ]
    if s.confidence_line is not None:
        lines += [
            f"How sure: {s.confidence_line} (the audience resampled, every group judged again and "
            "the feeds formed again).",
            "",
        ]
    lines += [
        "Rule: run as many feeds as there are identifiable, substantial and genuine interest "
        "groups, no more; staff each from whoever in the business has the expertise.",
        "",
    ]
    unjudged = [n for n in plan.parameters.get("data_notes") or [] if n.startswith("not judged")]
    if unjudged:  # on the first screen: feeds were chosen without these tests
        lines += [f"**{md_escape(n[0].upper() + n[1:])}**" for n in unjudged] + [""]
    if plan.feeds:
        lines += ["## Feeds", "",
                  "| # | feed | groups | platforms | posts/week | hours/week | lead |",
                  "|---|---|---|---|---|---|---|"]
        for f in plan.feeds:
            lead = next((r for r in f.staff if r.role == "lead"), None)
            lines.append(
                f"| {f.id} | {md_escape(f.name)} | {', '.join(map(str, f.groups))} | "
                f"{md_escape(', '.join(f.platforms) or '-')} | {f.posts_per_week:.1f} | "
                f"{_hours(f.hours_per_week)} | "
                f"{md_escape(f'{lead.name} ({lead.department})') if lead else 'not staffed'} |"
            )
        lines.append("")
        for f in plan.feeds:
            lines += _feed_section(f)
    lines += _people_section(plan)
    if plan.staffing_notes:
        lines += ["## Staffing gaps and needs", ""]
        lines += [f"- {md_escape(n)}" for n in plan.staffing_notes]
        lines.append("")
    others = [g for g in plan.groups if g.verdict != "feed"]
    if others:
        lines += ["## Conversations without a feed of their own", ""]
        lines += [f"- **{md_escape(g.label)}**: {md_escape(plain_reason(g, plan.feeds))}"
                  for g in others]
        lines.append("")
    lines += ["## Appendix: every group and its evidence", ""]
    for g in plan.groups:
        lines += _group_section(g)
    notes = plan.parameters.get("data_notes") or []
    if notes:
        lines += ["## About the data", ""] + [f"- {md_escape(n)}" for n in notes] + [""]
    return "\n".join(lines)


def _feed_section(f) -> list[str]:
    """One feed in plain words: audience, platforms, volume, wants, staff, notes, conduct."""
    lines = [f"### Feed {f.id}: {md_escape(f.name)}", ""]
    lines.append(f"- Audience talks about: {md_escape(', '.join(f.keywords))}")
    lines.append(f"- What they want: {md_escape(wants(f))}")
    lines.append(f"- Where: {md_escape(', '.join(f.platforms) or 'unknown')}")
    lines.append(
        f"- Volume: {f.posts_per_week:.1f} posts a week; {plural(f.hours_per_week, 'staff hour')} "
        "a week"
    )
    if f.staff:
        lines.append("- Staff:")
        for r in f.staff:
            why = plain_staff_reasons(r.reasons)
            lines.append(
                f"  - **{md_escape(r.name)}** ({md_escape(r.department)}), {r.role}, "
                f"{plural(r.hours_per_week, 'hour')} a week ({fte(r.hours_per_week)} FTE)"
                f"{': ' + md_escape(why) if why else ''}"
            )
    for note in plain_notes(f.notes):
        lines.append(f"- Note: {md_escape(note)}")
    if f.code_of_conduct:
        lines.append("- Code of conduct:")
        lines += [f"  {i}. {md_escape(rule)}" for i, rule in enumerate(f.code_of_conduct, 1)]
    lines.append("")
    return lines


def _group_section(g) -> list[str]:
    """One group: its verdict, size, keywords, reasons, scores and typical posts."""
    served = f" -> feed {g.feed}" if g.feed is not None else ""
    lines = [f"### Group {g.id}: {md_escape(g.label)} ({g.verdict}{served})", ""]
    authors = f", {g.n_authors} authors" if g.n_authors is not None else ""
    lines += [f"{g.size} posts{authors}. Keywords: {md_escape(', '.join(g.keywords))}.", ""]
    lines += [f"- {md_escape(reason)}" for reason in g.reasons]
    for name, score in g.scores.items():
        mark = {True: "pass", False: "fail", None: "not judged"}[score.passed]
        evidence = md_escape("; ".join(score.evidence))
        lines.append(f"- {name}: {score.value:.2f} ({mark}); {evidence}")
    if g.representative_posts:
        lines.append("- Typical posts:")
        lines += [f"  > {md_escape(p)}" for p in g.representative_posts]
    lines.append("")
    return lines


def _people_section(plan: Plan) -> list[str]:
    """Hours per person across feeds (empty when nobody is staffed)."""
    people: dict[tuple[str, str], list] = {}
    for f in plan.feeds:
        for r in f.staff:
            entry = people.setdefault((r.name, r.department), [0.0, 0.0, []])
            entry[0] += r.hours_per_week
            entry[1] += r.share_of_week
            entry[2].append(f"{r.role} on feed {f.id}")
    if not people:
        return []
    lines = ["## Hours per person", "", "| person | department | hours a week | FTE | roles |",
             "|---|---|---|---|---|"]
    for (name, dept), (hours, _, roles) in sorted(people.items(),
                                                  key=lambda kv: (-kv[1][0], kv[0])):
        lines.append(
            f"| {md_escape(name)} | {md_escape(dept)} | {_hours(hours)} | {fte(hours)} | "
            f"{md_escape(', '.join(roles))} |"
        )
    lines.append("")
    return lines


def render_update_summary(update: Update) -> str:
    """A few lines for a terminal: rows, each feed's share against the plan's, the verdict."""
    s = update.summary
    lines = [
        f"{s.rows_read} rows read: {s.rows_assigned} placed in the plan's groups, "
        f"{s.rows_noise} fit no group (noise), {s.rows_rejected} rejected.",
        f"Noise: {_pct(update.noise_share)} of new posts (plan: {_pct(update.plan_noise_share)}).",
    ]
    for row in update.feeds.itertuples():
        flag = f" [{row.status}]" if row.status in ("collapsed", "growing") else ""
        lines.append(f"  feed {row.feed}: {row.name}: {row.new_posts} posts, "
                     f"{_pct(row.new_share)} (plan {_pct(row.plan_share)}){flag}")
    n_new = s.rows_assigned + s.rows_noise
    unserved = s.rows_assigned - s.rows_served
    plan_unserved = 1.0 - update.plan_noise_share - float(update.feeds["plan_share"].sum())
    lines.append(f"  no feed: {unserved} posts, {_pct(unserved / n_new if n_new else 0.0)} "
                 f"(plan {_pct(max(plan_unserved, 0.0))})")
    for g in update.new_groups:
        kind = "emerging" if g.emerging else "below the plan's bars"
        people = f" from {g.n_authors} people" if g.n_authors is not None else ""
        lines.append(f"New group {g.id} ({kind}): {g.label}: {g.size} posts{people}; "
                     f"keywords: {', '.join(g.keywords[:5])}")
    lines.append(f"Verdict: {update.verdict}. {update.reason}")
    return "\n".join(lines)


def render_update_markdown(update: Update) -> str:
    """``update.md``: the verdict, the feeds against the plan, new groups, notes."""
    s = update.summary
    lines = ["# Plan update", "", f"**Verdict: {update.verdict}.** {md_escape(update.reason)}", "",
             f"{s.rows_read} rows read: {s.rows_assigned} placed in the plan's groups "
             f"({s.rows_served} in groups a feed serves), {s.rows_noise} fit no group (noise), "
             f"{s.rows_rejected} rejected as unusable input. Noise: "
             f"{_pct(update.noise_share)} of new posts (plan: {_pct(update.plan_noise_share)}).",
             ""]

    def rate(x) -> str:
        return "-" if pd.isna(x) else f"{x:.1f}"

    if len(update.feeds):
        lines += ["## Feeds", "", "| # | feed | new posts | share | plan share | posts/week | "
                  "plan posts/week | status |", "|---|---|---|---|---|---|---|---|"]
        for r in update.feeds.itertuples():
            lines.append(f"| {r.feed} | {md_escape(r.name)} | {r.new_posts} | "
                         f"{_pct(r.new_share)} | "
                         f"{_pct(r.plan_share)} | {rate(r.posts_per_week)} | "
                         f"{rate(r.plan_posts_per_week)} | {r.status} |")
        lines.append("")
    lines += ["## Groups", "", "| group | label | feed | new posts | share | plan share | status |",
              "|---|---|---|---|---|---|---|"]
    for r in update.groups.itertuples():
        lines.append(f"| {r.group} | {md_escape(r.label)} | {'-' if pd.isna(r.feed) else r.feed} | "
                     f"{r.new_posts} | {_pct(r.new_share)} | {_pct(r.plan_share)} | {r.status} |")
    lines.append("")
    if update.new_groups:
        lines += ["## New groups", "",
                  f"Found among the {s.rows_outside} new posts outside every group's core.", ""]
        for g in update.new_groups:
            kind = "emerging" if g.emerging else "below the plan's bars"
            lines += [f"### New group {g.id}: {md_escape(g.label)} ({kind})", ""]
            people = f" from {g.n_authors} people" if g.n_authors is not None else ""
            near = (f" Closest plan group: {g.nearest_group} (similarity "
                    f"{g.nearest_similarity:.2f})." if g.nearest_group is not None else "")
            keywords = md_escape(", ".join(g.keywords))
            lines += [f"{g.size} posts{people}.{near} Keywords: {keywords}.", ""]
            lines += [f"- {md_escape(r)}" for r in g.reasons]
            if g.representative_posts:
                lines.append("- Typical posts:")
                lines += [f"  > {md_escape(p)}" for p in g.representative_posts]
            lines.append("")
    if update.notes:
        lines += ["## About the data", ""] + [f"- {md_escape(n)}" for n in update.notes] + [""]
    return "\n".join(lines)

