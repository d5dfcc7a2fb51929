"""What the country demos share: the people registered twice, and names drawn as a country writes them."""

from __future__ import annotations

import random
from collections.abc import Callable

from service.demo import numbers
from service.demo.generate import PlannedTrainee


def namesake_and_duplicate(rng: random.Random, people: list[PlannedTrainee], *,
                           namesake: Callable[[random.Random, dict], dict] | None,
                           duplicate: Callable[[random.Random, dict], dict],
                           namesake_of: Callable[[dict], bool], duplicate_of: Callable[[dict], bool]
                           ) -> list[PlannedTrainee]:
    """Two people registered after the others, each beside one planned person:

    - a namesake: someone else with the same names and birth date (and other documents): the service
      offers the planned person as a likely duplicate and the caseworker confirms they are two people
      (generate._confirm_namesakes sends `not_duplicate_of`);
    - a duplicate: the planned person registered a second time, at another desk, with the birth date
      they gave from memory (so no candidate was offered) and a document the first registration lacked;
      the caseworker later finds both by name and merges the duplicate into the first (the loader does).
    """
    extra = []
    if namesake is not None and (first := next((p for p in people if namesake_of(p.body)), None)) is not None:
        extra.append(PlannedTrainee(body=_again(first.body, namesake(rng, first.body))))
    adults = [index for index, p in enumerate(people) if duplicate_of(p.body)]
    if adults:
        index = adults[len(adults) // 2]
        body = people[index].body
        extra.append(PlannedTrainee(body=_again(body, duplicate(rng, body)), merge_into=index))
    return extra


_IDENTITY = ("national_id", "documents", "no_document_reason", "citizenship")


def _again(body: dict, changes: dict) -> dict:
    """A new registration of `body`'s name: its situation as written then, its documents from `changes`."""
    again = {key: value for key, value in body.items() if key not in _IDENTITY}
    return {**again, "phone": None, "email": None, **changes}


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def two_surnames(rng: random.Random, surnames: list[str]) -> str:
    """A Spanish-speaking country's family name: the father's first surname, then the mother's."""
    first, second = rng.sample(surnames, 2)
    return f"{first} {second}"


def origin_and_kind(rng: random.Random, index: int, showcase: list[tuple[str, str]], origins: dict,
                    kinds: dict) -> tuple[str, str | None]:
    """Where the `index`th person comes from and, for a newcomer, which document they show: the first
    people of a plan show each kind once (`showcase`: (origin, kind), where the project takes that origin),
    so that even a small demo has every document type and someone without one; the rest are drawn."""
    if index < len(showcase) and showcase[index][0] in origins:
        return showcase[index]
    origin = pick(rng, origins)
    return origin, pick(rng, kinds)


def passport(rng: random.Random, country: str, used: set[str]) -> dict:
    """A passport issued by `country`, its number in that country's pattern and given to nobody else."""
    return {"type": "passport", "issuing_country": country,
            "number": numbers.unique(used, lambda: numbers.passport(rng, country))}
