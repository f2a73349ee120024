"""The recurrence of a recurring meeting, validated with Zoom's limits before anything is sent."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zoom_mcp.server.zoom import models
from zoom_mcp.server.zoom.vocabulary import RECURRENCE_TYPE_CODES, RecurrenceTypeName
from zoom_mcp.tools.params import UtcDateTimeText

# Zoom's caps on repeat_interval per recurrence type (Meetings.json, recurrence.repeat_interval).
_MAX_INTERVAL = {"daily": 99, "weekly": 50, "monthly": 10}
Weekday = Annotated[int, Field(ge=1, le=7)]


class RecurrenceParam(BaseModel):
    # How a recurring meeting repeats, and how it ends (a comment, not a docstring: pydantic would publish it
    # in the schema beside the `recurrence` parameter's own description, which says the same).

    model_config = ConfigDict(extra="forbid")

    type: RecurrenceTypeName
    repeat_interval: int | None = Field(
        default=None, ge=1, description="Every N days (max 99), weeks (50) or months (10)."
    )
    weekly_days: list[Weekday] | None = Field(
        default=None,
        min_length=1,
        max_length=7,
        description="Weekly (required): 1=Sunday, 7=Saturday.",
    )
    monthly_day: int | None = Field(default=None, ge=1, le=31, description="Monthly: day (or monthly_week).")
    monthly_week: Literal[-1, 1, 2, 3, 4] | None = Field(
        default=None, description="Monthly: week (-1: last), with monthly_week_day."
    )
    monthly_week_day: Weekday | None = Field(default=None, description="1=Sunday, 7=Saturday.")
    # Zoom's own default is 1: a "weekly" series that silently holds one meeting. So an end is required.
    end_times: int | None = Field(
        default=None, ge=0, le=60, description="Occurrences (0: no end, without fixed time only)."
    )
    end_date_time: UtcDateTimeText | None = Field(
        default=None,
        description="Last possible occurrence (UTC).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.repeat_interval is not None and self.repeat_interval > _MAX_INTERVAL[self.type]:
            raise ValueError(f"repeat_interval for {self.type} recurrence is at most {_MAX_INTERVAL[self.type]}")
        if self.end_times is not None and self.end_date_time is not None:
            raise ValueError("give end_times or end_date_time, not both")
        weekly_fields = self.weekly_days is not None
        monthly_by_day = self.monthly_day is not None
        monthly_by_week = self.monthly_week is not None or self.monthly_week_day is not None
        if self.type == "weekly" and not weekly_fields:
            raise ValueError("weekly recurrence needs weekly_days")
        if self.type != "weekly" and weekly_fields:
            raise ValueError("weekly_days is only for weekly recurrence")
        if self.type == "monthly":
            if monthly_by_day == monthly_by_week:
                raise ValueError("monthly recurrence needs monthly_day, or monthly_week with monthly_week_day")
            if monthly_by_week and (self.monthly_week is None or self.monthly_week_day is None):
                raise ValueError("monthly_week and monthly_week_day go together")
        elif monthly_by_day or monthly_by_week:
            raise ValueError("monthly_day, monthly_week and monthly_week_day are only for monthly recurrence")
        if self.end_times is None and self.end_date_time is None:
            raise ValueError(
                "say how the series ends: end_times (1 to 60 occurrences), end_date_time, or end_times 0 for no end"
            )
        return self

    def wire(self) -> models.Recurrence:
        return models.Recurrence(
            type=RECURRENCE_TYPE_CODES[self.type],
            repeat_interval=self.repeat_interval,
            weekly_days=",".join(str(day) for day in sorted(set(self.weekly_days))) if self.weekly_days else None,
            monthly_day=self.monthly_day,
            monthly_week=self.monthly_week,
            monthly_week_day=self.monthly_week_day,
            end_times=self.end_times,
            end_date_time=self.end_date_time,
        )


Recurrence = Annotated[
    RecurrenceParam | None,
    Field(description="Makes a series; exactly one of end_times, end_date_time."),
]
NewRecurrence = Annotated[
    RecurrenceParam | None,
    Field(description="Replaces it, or makes the meeting a series; exactly one of end_times, end_date_time."),
]
