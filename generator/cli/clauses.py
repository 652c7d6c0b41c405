"""The ``marac clauses`` commands: list the clause library, show one clause as a Marac reads it."""

from __future__ import annotations

import click

DOC = click.Choice(["mop", "isa", "annex"])


@click.group(name="clauses", invoke_without_command=True)
@click.option("--doc", type=DOC, help="Only this document's clauses.")
@click.option("--sources", is_flag=True, help="List the law and guidance each clause states, with addresses.")
@click.pass_context
def clauses(ctx, doc, sources):
    """List the clause library: id, title, section, documents, requirements covered, mandatory.

    `marac clauses show ID --config CONFIG` prints one clause as it reads for that Marac.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..library.clauses import load_library

    library = load_library()
    click.echo(f"Clause library {library.version}")
    if sources:
        wanted = {c.id for c in library.clauses if not doc or doc in c.applies_to}
        for clause_id, citation, url in library.cited_sources():
            if clause_id in wanted:
                click.echo(f"{clause_id}: {citation} <{url}>")
        return
    rows = [("ID", "TITLE", "SECTION", "DOCUMENTS", "COVERS", "MANDATORY")]
    for clause in library.clauses:
        if doc and doc not in clause.applies_to:
            continue
        rows.append((clause.id, clause.title, clause.section, "/".join(clause.applies_to),
                     ",".join(clause.covers) or "-", "mandatory" if clause.mandatory else "optional"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])


@clauses.command()
@click.argument("clause_id", metavar="ID")
@click.option("--config", help="A Marac folder or marac.yaml: show the text filled in with its settings.")
@click.option("--doc", type=DOC, help="Which document's version of the text (default: the first it is in).")
def show(clause_id, config, doc):
    """Print one clause: its title, what it covers, and its text (for a Marac with --config)."""
    import difflib

    from ..errors import ConfigError, Problem
    from ..library.clauses import load_library

    library = load_library()
    clause = library.by_id().get(clause_id)
    if clause is None:
        hint = difflib.get_close_matches(clause_id, list(library.by_id()), n=1, cutoff=0.5)
        tail = f"did you mean '{hint[0]}'?" if hint else "`marac clauses` lists them"
        raise ConfigError([Problem(clause_id, None, "", f"is not a clause in the library; {tail}")])
    kind = doc or clause.applies_to[0]
    if kind not in clause.applies_to:
        raise click.BadParameter(f"{clause_id} is not in the {kind}; it is in {'/'.join(clause.applies_to)}",
                                 param_hint="--doc")
    click.echo(f"{clause.id} (version {clause.version}): {clause.title}")
    click.echo(f"Section: {library.sections[clause.section].title}. In: {', '.join(clause.applies_to)}. "
               f"Covers: {', '.join(clause.covers) or 'no guidance requirement'}. "
               f"{'Mandatory: it cannot be excluded.' if clause.mandatory else 'Optional: clauses.exclude can leave it out.'}")
    if config is None:
        click.echo("Text as written in the library ({{ ... }} are filled in from each Marac's settings; "
                   "add --config CONFIG to see them filled in):\n")
        click.echo(clause.text.rstrip())
        return
    from ..document.assemble import clause_blocks_for
    from ..policy.gate import load_one_clean

    loaded = load_one_clean(config)
    included, blocks = clause_blocks_for(loaded, library, clause, kind)
    if not included:
        why = ("this Marac excludes it (clauses.exclude)" if clause.id in loaded.settings.clauses.exclude
               else "its condition does not apply to this Marac's settings")
        click.echo(f"Not in {loaded.settings.marac.name}'s {kind}: {why}. It would read:")
    click.echo("")
    for text in plain_text(blocks):
        click.echo(text)


def plain_text(blocks) -> list[str]:
    """Return model paragraphs and lists as lines of plain text, a blank line between blocks."""
    from ..document.model import ListBlock

    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        if isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=1):
                marker = f"{number}." if block.ordered else "-"
                lines.append(f"{marker} {''.join(run.text for run in item)}")
        else:
            lines.append("".join(run.text for run in block.runs))
    return lines
