"""``flask campaign figures``: the campaign's figures, by the same definitions as the dashboard and the recap."""
from __future__ import annotations

import json
from datetime import date

import click

from campaigns.models import Campaign
from campaigns.supervision import figures

from ..extensions import db
from . import campaign_cli, fail


@campaign_cli.command("figures")
@click.argument("campaign_id", type=int)
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Also one day's calls and promises, per agent "
                                                              "(a day in the campaign's time zone).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object; money as decimal strings.")
def figures_command(campaign_id, day, as_json):
    """Print the headline figures (and one day's) of a campaign."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        fail(f"No campaign with id {campaign_id}.")
    output = figures.as_dict(figures.campaign_figures(db.session, campaign.id))
    if day:
        output["day"] = day_dict(campaign, day.date())
    if as_json:
        click.echo(json.dumps(output, ensure_ascii=False))
        return
    for key, value in output.items():
        if key == "day":
            click.echo(f"day {value['day']}: " + ", ".join(f"{k} {v}" for k, v in value["total"].items()))
            for agent in value["agents"]:
                click.echo(f"  {agent['name']}: " + ", ".join(
                    f"{k} {v}" for k, v in agent.items() if k not in ("name", "agent_id")))
        elif not isinstance(value, dict):
            click.echo(f"{key}: {value}")


def day_dict(campaign: Campaign, day: date) -> dict:
    """One day of the campaign and of each agent who worked it."""
    total = figures.day_figures(db.session, campaign.id, day=day)[0]
    agents = []
    for row in figures.agent_figures(db.session, campaign.id):
        if row.agent_id is None:
            continue
        mine = figures.day_figures(db.session, campaign.id, row.agent_id, day)[0]
        if mine.calls or mine.promises:
            agents.append({"agent_id": row.agent_id, "name": row.name, **figures.day_dict(mine)})
    return {"day": day.isoformat(), "total": figures.day_dict(total), "agents": agents}
