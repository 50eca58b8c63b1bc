"""The OpenAPI 3.1 description of the read-only API, written by hand.

tests/practices/test_opendata.py checks it against the code: every path resolves, the parameters
of /practices/ are exactly the browse page's filters plus the pagination, and the API's answers
carry every field the schemas require. tests/practices/test_api_contract.py runs a fuzzer
(schemathesis) over every operation: what it sends within the description is answered 2xx or 404,
what it sends outside it 4xx, and every answer is one the description gives.
"""

from .filters import SORTS
from .models import FIRST_YEAR, LAST_YEAR, EvidenceLabel, ImplementationStatus, Language, Level
from .opendata import LICENCE, LICENCE_URL, PUBLISHER
from .reading import READING_LANGUAGES

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


# Every answer, errors included, may be read by any site.
CROSS_ORIGIN_HEADER = {
    "Access-Control-Allow-Origin": {"description": "Any site may read the answer.", "required": True, "schema": {"const": "*"}}
}
# The filters whose values are the platform's own vocabularies: the description lists those they take now.
VOCABULARY_FILTERS = ("region", "subregion", "country", "theme", "instrument", "target")
EMPTY = " An empty value is the same as leaving the parameter out."


def _items(values):
    # An empty value (?level=) is left out, as the browse page's blank option is.
    return {"type": "string", "enum": ["", *values]}


def _list_parameter(name, description, enum=None):
    items = _items(enum) if enum else {"type": "string"}
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat the parameter for several values: any of them matches." + EMPTY,
        "required": False,
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": items},
    }


def _year_parameter(name, description):
    return {
        "name": name,
        "in": "query",
        "description": description + EMPTY,
        "required": False,
        "allowEmptyValue": True,
        "schema": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    }


def _with_values(parameter, values):
    """The parameter, taking only `values` (and the empty value, left out)."""
    return {**parameter, "schema": {**parameter["schema"], "items": _items(values)}}


FILTER_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "description": (
            "Words to search for in the title, summary, description and results (web search syntax: \"quoted phrase\", -word, OR): "
            "in the practice's own text, and in its published translation into `lang` with that language's stemming "
            "(without `lang`, English stemming)."
        ),
        "required": False,
        # Django refuses a null character in a form's text.
        "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"},
    },
    _list_parameter("region", "M49 region (slug, see /taxonomies/): practices of its countries, owners or co-owners."),
    _list_parameter("subregion", "M49 sub-region or intermediate region (slug, see /taxonomies/)."),
    _list_parameter("country", "ISO 3166 two-letter code of a country owning or co-owning the practice (small letters are read as capitals)."),
    _list_parameter("theme", "Theme (slug, see /taxonomies/)."),
    _list_parameter("instrument", "Instrument type (slug, see /taxonomies/)."),
    _list_parameter("target", "Target group (slug, see /taxonomies/)."),
    _list_parameter("level", "Level.", Level.values),
    _list_parameter("status", "Implementation status.", ImplementationStatus.values),
    _list_parameter("evidence", "Evidence label.", EvidenceLabel.values),
    _list_parameter("language", "Original language.", Language.values),
    _list_parameter("available", "A language it can be read in: its original language, or that of a translation published by ITC.", list(READING_LANGUAGES)),
    _year_parameter("year_from", "Practices still running in or after this year (no end year, or ending then or later)."),
    _year_parameter("year_to", "Practices running in or before this year (no start year, or starting then or earlier)."),
    {
        "name": "sort",
        "in": "query",
        "description": "Order of the results. relevance needs q; without q the default is newest (last published first)." + EMPTY,
        "required": False,
        "allowEmptyValue": True,
        "schema": {"type": "string", "enum": list(SORTS)},
    },
]
# The language to read the practices in (api.READ_IN).
LANGUAGE_PARAMETER = {
    "name": "lang",
    "in": "query",
    "description": (
        "The language to give titles and summaries in, where ITC has published a translation into it (text_language says "
        "which each is in), and to search `q` in. Without it, practices are given as written." + EMPTY
    ),
    "required": False,
    "allowEmptyValue": True,
    "schema": {"type": "string", "enum": ["", *READING_LANGUAGES]},
}
PAGINATION_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "description": "Page number, from 1." + EMPTY,
        "required": False,
        "allowEmptyValue": True,
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "description": f"Practices per page, up to {MAX_PAGE_SIZE}." + EMPTY,
        "required": False,
        "allowEmptyValue": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    },
]

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_YEAR = {"type": ["integer", "null"]}
TERM = {
    "type": "object",
    "required": ["slug", "name"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string", "description": "In English."}},
}
COUNTRY = {
    "type": "object",
    "required": ["iso2", "name"],
    "properties": {"iso2": {"type": "string", "description": "ISO 3166 alpha-2."}, "name": {"type": "string", "description": "In English."}},
}
NAMES = {
    "type": "object",
    "required": ["en", "fr", "es"],
    "properties": {"en": {"type": "string"}, "fr": {"type": "string"}, "es": {"type": "string"}},
}


def _choice(choices):
    # A practice may leave these unset: the empty string.
    return {"type": "string", "enum": ["", *choices.values]}


PRACTICE = {
    "type": "object",
    "description": "A published practice: the reviewed, published version. Contact persons are never included.",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "description": "The public page; it opens in the reader's language."},
        "title": {"type": "string", "description": "In `lang` where translated (see text_language), else as written."},
        "summary": {"type": "string", "description": "In the same language as the title."},
        "description": {"type": "string", "description": "Markdown source."},
        "problem": {"type": "string"},
        "objectives": {"type": "string"},
        "implementation": {"type": "string"},
        "results": {"type": "string"},
        "indicators": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "value", "year"],
                "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "year": NULLABLE_YEAR},
            },
        },
        "challenges": {"type": "string"},
        "transferability": {"type": "string"},
        "level": _choice(Level),
        "implementation_status": _choice(ImplementationStatus),
        "start_year": NULLABLE_YEAR,
        "end_year": NULLABLE_YEAR,
        "responsible_institution": {"type": "string"},
        "links": {"type": "array", "items": {"type": "string"}},
        "original_language": {"type": "string", "enum": Language.values},
        "languages": {
            "type": "array",
            "items": {"type": "string", "enum": Language.values},
            "description": "The languages it can be read in: the original first, then those of its translations published by ITC.",
        },
        "text_language": {"type": "string", "enum": Language.values, "description": "The language of title and summary."},
        "evidence_label": _choice(EvidenceLabel),
        "themes": {"type": "array", "items": _ref("Term")},
        "instruments": {"type": "array", "items": _ref("Term")},
        "target_groups": {"type": "array", "items": _ref("Term")},
        "country": {**_ref("Country"), "description": "The owner country."},
        "co_owners": {"type": "array", "items": _ref("Country")},
        "adapted_from": {"type": "array", "items": {"type": "integer"}, "description": "Ids of published practices."},
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "url"],
                "properties": {"title": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
            },
        },
        "first_published_at": {**NULLABLE_STRING, "format": "date-time"},
        "published_at": {**NULLABLE_STRING, "format": "date-time"},
    },
}
PRACTICE["required"] = list(PRACTICE["properties"])

TAXONOMY_TERM = {
    "type": "object",
    "required": ["slug", "name", "is_active"],
    "properties": {
        "slug": {"type": "string"},
        "name": _ref("Names"),
        "is_active": {"type": "boolean", "description": "Still offered for new practices; older practices may use retired terms."},
    },
}

SCHEMAS = {
    "Practice": PRACTICE,
    "PracticePage": {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "description": "Practices matching, on every page."},
            "next": {**NULLABLE_STRING, "format": "uri"},
            "previous": {**NULLABLE_STRING, "format": "uri"},
            "results": {"type": "array", "items": _ref("Practice")},
        },
    },
    "Term": TERM,
    "Country": COUNTRY,
    "Names": NAMES,
    "TaxonomyTerm": TAXONOMY_TERM,
    "Taxonomies": {
        "type": "object",
        "required": ["themes", "instruments", "target_groups", "regions"],
        "properties": {
            "themes": {"type": "array", "items": _ref("TaxonomyTerm")},
            "instruments": {"type": "array", "items": _ref("TaxonomyTerm")},
            "target_groups": {"type": "array", "items": _ref("TaxonomyTerm")},
            "regions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "code", "level", "parent", "name"],
                    "properties": {
                        "slug": {"type": "string"},
                        "code": {"type": "string", "description": "UN M49 code."},
                        "level": {"type": "string", "enum": ["region", "subregion", "intermediate"]},
                        "parent": {**NULLABLE_STRING, "description": "The slug of the enclosing region."},
                        "name": _ref("Names"),
                    },
                },
            },
        },
    },
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": (
                    "For each parameter at fault (or `path` for an address the API does not have, `method` for a method "
                    "it does not take, `server` when the fault is ours), what is wrong with it."
                ),
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
    },
}


def _json(schema_name, description):
    return {"description": description, "headers": CROSS_ORIGIN_HEADER, "content": {"application/json": {"schema": _ref(schema_name)}}}


# Answers to any request, besides each operation's own (api.api_view, api.not_found).
RESPONSES = {
    "NotFound": _json("Errors", "The API has no such address."),
    "MethodNotAllowed": {
        **_json("Errors", "The API is read-only: it takes GET, HEAD and OPTIONS only."),
        "headers": {**CROSS_ORIGIN_HEADER, "Allow": {"description": "GET, HEAD, OPTIONS", "required": True, "schema": {"type": "string"}}},
    },
    "ServiceUnavailable": {
        **_json("Errors", "The database is restarting or out of reach: try again after Retry-After seconds."),
        "headers": {**CROSS_ORIGIN_HEADER, "Retry-After": {"required": True, "schema": {"type": "integer"}}},
    },
    "Preflight": {
        "description": "The answer to a browser's cross-origin preflight (OPTIONS): any site may call the API.",
        "headers": {
            **CROSS_ORIGIN_HEADER,
            "Access-Control-Allow-Methods": {"required": True, "schema": {"type": "string"}},
            "Access-Control-Allow-Headers": {"required": True, "schema": {"type": "string"}},
            "Access-Control-Max-Age": {"required": True, "schema": {"type": "integer"}},
        },
    },
}


def _filter_parameters(vocabulary):
    return [
        _with_values(parameter, vocabulary.names[parameter["name"]]) if parameter["name"] in VOCABULARY_FILTERS else parameter
        for parameter in FILTER_PARAMETERS
    ]


def _paths(vocabulary):
    return {
        "/practices/": {
            "get": {
                "operationId": "listPractices",
                "summary": "Published practices, filtered as on the browse page, one page at a time.",
                "parameters": _filter_parameters(vocabulary) + [LANGUAGE_PARAMETER] + PAGINATION_PARAMETERS,
                "responses": {
                    "200": _json("PracticePage", "A page of practices."),
                    "400": _json("Errors", "A parameter is unknown or has a value it cannot take."),
                    "404": _json("Errors", "There is no such page."),
                },
            }
        },
        "/practices/{id}/": {
            "get": {
                "operationId": "getPractice",
                "summary": "One published practice.",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}, LANGUAGE_PARAMETER],
                "responses": {
                    "200": _json("Practice", "The practice."),
                    "400": _json("Errors", "`lang` is not one of the languages given."),
                    "404": _json("Errors", "No published practice has this id (or the id is not a whole number)."),
                },
            }
        },
        "/taxonomies/": {
            "get": {
                "operationId": "getTaxonomies",
                "summary": "Themes, instrument types, target groups and M49 regions, named in English, French and Spanish.",
                "responses": {"200": _json("Taxonomies", "The vocabularies the filters take.")},
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This description.",
                "responses": {
                    "200": {"description": "An OpenAPI 3.1 document.", "headers": CROSS_ORIGIN_HEADER, "content": {"application/json": {}}}
                },
            }
        },
    }


def document(*, server_url, documentation_url, vocabulary):
    """The description, listing the values the vocabulary filters take now (filters.Vocabulary)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SME Policy Knowledge Sharing Platform API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the best practices in SME policy published on the platform of the "
                f"{PUBLISHER}. Only published practices are given. Answers may be cached for five minutes.\n\n"
                "Any site may call it: every answer carries `Access-Control-Allow-Origin: *`, and a browser's "
                "preflight (OPTIONS) is answered 204. It takes GET, HEAD and OPTIONS only: any other method is "
                "answered 405 with an `Allow` header, an address it does not have 404, and while the database is out of "
                "reach every request 503 with `Retry-After`: all with Errors in JSON (see components.responses)."
            ),
            "license": {"name": LICENCE, "url": LICENCE_URL},
        },
        "externalDocs": {"description": "Fields, licence and how to cite a practice", "url": documentation_url},
        "servers": [{"url": server_url}],
        "paths": _paths(vocabulary),
        "components": {"schemas": SCHEMAS, "responses": RESPONSES},
    }
