"""The country demos beside İzmir's: a module per country with the reference data service.demo.data has
(organisation, users, projects, cohorts, employers, occupations and wages in the local currency) and the
hooks of its people: `identity` (names, documents, citizenship and groups by where a person comes from),
`phone`, `tax_number` (an employer's) and `special_people` (a namesake confirmed as someone else and a
duplicate registration to merge), so that the shared planners (service.demo.generate, hiring) and the
loader build every demo alike, through the use cases.
"""

from __future__ import annotations

from service.demo import data
from service.demo.countries import co, gt, se

#: The demos by country: TR is the İzmir demo (the default).
PROGRAMMES = {"TR": data, "SE": se, "GT": gt, "CO": co}


def programme(country: str):
    """The demo of an ISO 3166-1 alpha-2 code (any case); KeyError for a country without one."""
    return PROGRAMMES[country.upper()]
