"""Each country's default vocabulary of groups a person may belong to, and the ESF+ category each feeds.

English labels are gettext msgids; the local ones are written in the country's language. Sources: ESF+
Regulation (EU) 2021/1057, Annex I (the indicator categories); Guatemala: INE, XII Censo Nacional de
Población 2018 (pueblo de pertenencia: Maya, Garífuna, Xinka, Afrodescendiente/Creole/Afromestizo) and the
Programa Nacional de Resarcimiento (victims of the internal armed conflict); Colombia: DANE, Censo Nacional
de Población y Vivienda 2018 (autorreconocimiento étnico: indígena; negro, afrocolombiano, raizal,
palenquero (NARP); gitano o Rrom) and Ley 1448 de 2011 (víctimas del conflicto armado), Ley 1618 de 2013
(discapacidad); Sweden: lag (2009:724) om nationella minoriteter och minoritetsspråk (Roma; the Sámi, also
an Indigenous people), SCB (utrikes född), Socialstyrelsen (hemlöshet), MUCF (unga som varken arbetar
eller studerar).
"""

from __future__ import annotations

from service.domain.groups import DISABILITY, FOREIGN_BACKGROUND, HOUSING_EXCLUSION, MINORITIES, group
from service.translations import N_

_ROMA = N_("Roma")
_DISABILITY = N_("Person with a disability")
_REFUGEE = N_("Refugee")
_MIGRANT = N_("Migrant")
_HOUSING = N_("Homeless or affected by housing exclusion")
_NEET = N_("NEET (not in employment, education or training)")

#: İzmir's seven (the list every organisation had before vocabularies).
TR = (
    group("roma", _ROMA, MINORITIES, tr="Roman"),
    group("disability", _DISABILITY, DISABILITY, tr="Engelli"),
    group("refugee", _REFUGEE, FOREIGN_BACKGROUND, tr="Mülteci"),
    group("single_parent", N_("Single parent"), None, tr="Tek ebeveyn"),
    group("neet", _NEET, None, tr="NEET (ne eğitimde ne istihdamda)"),
    group("migrant", _MIGRANT, FOREIGN_BACKGROUND, tr="Göçmen"),
    group("housing_exclusion", _HOUSING, HOUSING_EXCLUSION, tr="Evsiz veya barınma yoksunluğundan etkilenen"),
)

#: Countries without a vocabulary of their own start from the same seven, in English (and Spanish for Spain).
GENERIC = tuple(group(g.key, g.label, g.feeds) for g in TR)
ES = (
    group("roma", _ROMA, MINORITIES, es="Gitano (pueblo gitano)"),
    group("disability", _DISABILITY, DISABILITY, es="Persona con discapacidad"),
    group("refugee", _REFUGEE, FOREIGN_BACKGROUND, es="Refugiado"),
    group("single_parent", N_("Single parent"), None, es="Familia monoparental"),
    group("neet", _NEET, None, es="Ni estudia ni trabaja"),
    group("migrant", _MIGRANT, FOREIGN_BACKGROUND, es="Migrante"),
    group("housing_exclusion", _HOUSING, HOUSING_EXCLUSION, es="Sin hogar o en exclusión residencial"),
)

GT = (
    group("maya", N_("Maya (Indigenous people)"), MINORITIES, es="Maya"),
    group("garifuna", N_("Garífuna (Indigenous people)"), MINORITIES, es="Garífuna"),
    group("xinka", N_("Xinka (Indigenous people)"), MINORITIES, es="Xinka"),
    group("afro_descendant", N_("Afro-descendant"), MINORITIES, es="Afrodescendiente, creole o afromestizo"),
    group("conflict_victim", N_("Victim of the internal armed conflict"), None,
          es="Víctima del conflicto armado interno"),
    group("disability", _DISABILITY, DISABILITY, es="Persona con discapacidad"),
    group("migrant", _MIGRANT, FOREIGN_BACKGROUND, es="Migrante"),
    group("refugee", _REFUGEE, FOREIGN_BACKGROUND, es="Refugiado"),
    group("housing_exclusion", _HOUSING, HOUSING_EXCLUSION, es="Sin hogar o en exclusión residencial"),
)

CO = (
    group("indigenous", N_("Indigenous"), MINORITIES, es="Indígena"),
    group("narp", N_("Black, Afro-Colombian, Raizal or Palenquero (NARP)"), MINORITIES,
          es="Negro, afrocolombiano, raizal o palenquero (NARP)"),
    group("rrom", N_("Rrom (Roma)"), MINORITIES, es="Gitano o Rrom"),
    group("conflict_victim", N_("Victim of the armed conflict (Law 1448 of 2011)"), None,
          es="Víctima del conflicto armado (Ley 1448 de 2011)"),
    group("migrant", N_("Migrant (e.g. from Venezuela)"), FOREIGN_BACKGROUND, es="Migrante (p. ej. venezolano)"),
    group("refugee", _REFUGEE, FOREIGN_BACKGROUND, es="Refugiado"),
    group("disability", _DISABILITY, DISABILITY, es="Persona con discapacidad"),
    group("housing_exclusion", _HOUSING, HOUSING_EXCLUSION, es="Habitante de calle o sin vivienda"),
)

SE = (
    group("roma", _ROMA, MINORITIES, sv="Rom"),
    group("sami", N_("Sámi (Indigenous people)"), MINORITIES, sv="Same"),
    group("disability", _DISABILITY, DISABILITY, sv="Person med funktionsnedsättning"),
    group("migrant", N_("Migrant (born abroad)"), FOREIGN_BACKGROUND, sv="Utrikes född"),
    group("refugee", _REFUGEE, FOREIGN_BACKGROUND, sv="Flykting"),
    group("housing_exclusion", _HOUSING, HOUSING_EXCLUSION, sv="Hemlös eller utestängd från bostadsmarknaden"),
    group("neet", _NEET, None, sv="Varken arbetar eller studerar (UVAS)"),
)
