"""Deadlines in working days: a reminder the working day before a task falls due, an escalation (to the
assignees and the operators) the first day it is late — each once per task; and, weekly, the warning that
a policy period's decree lapses soon with no successor configured (issue 18)."""

from __future__ import annotations

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import TaskStatus
from thidua_workflow.services import notifications
from thidua_workflow.services.context import Context
from thidua_workflow.services.workflow import subject_label


def remind_and_escalate(ctx: Context) -> dict[str, int]:
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    calendar = ctx.calendar
    soon = calendar.add_working_days(today, 1)
    counts = {"reminded": 0, "escalated": 0, "policy_lapse": 0}
    with ctx.uow() as uow:
        session = uow.session
        for task in session.scalars(
            select(m.Task)
            .where(m.Task.status == TaskStatus.OPEN.value, m.Task.due_on <= soon)
            .order_by(m.Task.id)
        ):
            if task.due_on < today and task.escalated_on is None:
                notifications.task_due(session, task, subject_label(session, task), now, overdue=True)
                task.escalated_on = today
                counts["escalated"] += 1
            elif task.due_on >= today and task.reminded_on is None:
                notifications.task_due(session, task, subject_label(session, task), now, overdue=False)
                task.reminded_on = today
                counts["reminded"] += 1
        counts["policy_lapse"] = notifications.policy_lapse(session, ctx.policy.lapse_warnings(today), now)
        uow.commit()
    return counts
