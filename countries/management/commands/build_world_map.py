"""Draw the world map of the Regions page from the world-atlas TopoJSON files, once, at build time.

Writes countries/data/world_map.json: the SVG viewBox and, for each M49 code, the outline of the
country or area ("d", Equal Earth projection, whole units of a map 2000 wide) and, where the
outline is too small to see or missing, the point where the page draws a dot ("point"). The shapes
come from the 110m file; the 50m file only places the dots of the areas the 110m file leaves out.
The output is deterministic: tests/countries/test_regions.py rebuilds it and compares the bytes.

Run after changing anything here: python manage.py build_world_map
"""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE = DATA / "world-atlas"
OUTPUT = DATA / "world_map.json"
SVG_OUTPUT = Path(__file__).resolve().parents[3] / "static" / "countries" / "world-map.svg"

# Whole units of a map 2000 wide are fine enough for a sharp outline on a high-density screen.
MAP_WIDTH = 2000
# Room around the drawing for the dots (the page draws them with a radius of 7).
MARGIN = 12
# Douglas-Peucker tolerance, in map units: finer detail is below a pixel on any screen.
TOLERANCE = 0.8
# A ring smaller than this (square map units) is dropped, and a country smaller than
# VISIBLE_AREA also gets a dot, so it can be seen and clicked.
MIN_RING_AREA = 4.0
VISIBLE_AREA = 60.0
ANTARCTICA = "010"

# The map follows the UN M49 list the platform uses: an area Natural Earth draws on its own
# but M49 does not list is drawn as part of the M49 country or area that includes it.
MERGED_INTO = {"Somaliland": "706", "N. Cyprus": "196", "Taiwan": "156", "Kosovo": "688"}

# M49 areas that Natural Earth draws inside another feature: the polygons of that feature
# whose centre falls in the box (west, south, east, north; degrees) are drawn as the area.
SPLIT_FROM = {
    "Indian Ocean Ter.": [("162", (105, -11, 106, -10)), ("166", (96, -13, 98, -11))],
    "France": [
        ("254", (-55, 1, -51, 7)),
        ("312", (-62, 15.8, -60.9, 16.6)),
        ("474", (-61.3, 14.3, -60.7, 15)),
        ("638", (55, -21.5, 56, -20.8)),
        ("175", (44.9, -13.1, 45.4, -12.5)),
    ],
    "Norway": [("744", (-10, 70.5, -7, 71.5)), ("744", (0, 74, 40, 82))],
    "New Zealand": [("772", (-173, -10, -171, -8))],
}

# M49 areas that neither file draws: placed at their main island (longitude, latitude).
PLACED_BY_HAND = {
    "074": (3.36, -54.42),  # Bouvet Island
    "292": (-5.35, 36.14),  # Gibraltar
    "535": (-68.27, 12.18),  # Bonaire, Sint Eustatius and Saba: Bonaire
    "581": (166.63, 19.29),  # United States Minor Outlying Islands: Wake Island
    "798": (179.20, -8.52),  # Tuvalu: Funafuti
}


# --- Equal Earth projection (Šavrič, Patterson and Jenny, 2018) ---

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = math.pi / (M * A1)


def project(longitude, latitude):
    """Equal Earth x, y (y up) of a point in degrees."""
    theta = math.asin(M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(longitude) * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def to_map(longitude, latitude):
    """Map units: the world MAP_WIDTH wide, y down, before cropping."""
    x, y = project(longitude, latitude)
    scale = MAP_WIDTH / (2 * X_MAX)
    return (x + X_MAX) * scale, -y * scale


# --- TopoJSON ---


def decode_arcs(topology):
    """The arcs in degrees: quantized positions are delta-encoded, then scaled and translated."""
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring_points(arcs, refs):
    """A ring's points from its arc references (~i is arc i reversed); arcs share their ends."""
    points = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def cut_at_antimeridian(points):
    """An arc in pieces, cut where it crosses the antimeridian (the longitude jumps by over 180°).

    world-atlas stitches the shapes Natural Earth cut at 180° (Russia, Fiji), as a globe would;
    a flat map cuts them again, each piece ending on its own edge of the map.
    """
    pieces = [[points[0]]]
    for (longitude, latitude), (next_longitude, next_latitude) in zip(points, points[1:]):
        if abs(next_longitude - longitude) > 180:
            edge = 180 if longitude > 0 else -180
            unwrapped = next_longitude + (360 if edge > 0 else -360)
            # A step from one edge to the other (180° to -180°) runs along the cut itself.
            share = (edge - longitude) / (unwrapped - longitude) if unwrapped != longitude else 0
            crossing = latitude + (next_latitude - latitude) * share
            pieces[-1].append((edge, crossing))
            pieces.append([(-edge, crossing)])
        pieces[-1].append((next_longitude, next_latitude))
    return pieces


def ring_pieces(arcs, refs):
    """A ring's points from its arc references (~i is arc i reversed, arcs share their ends),
    in one piece, or in several if the ring crosses the antimeridian (each is closed on its own
    along the edge of the map). Each arc is a list of pieces."""
    pieces = [[]]
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else [piece[::-1] for piece in arcs[~ref][::-1]]
        for number, piece in enumerate(arc):
            if number:
                pieces.append([])
            pieces[-1].extend(piece[1:] if pieces[-1] else piece)
    if len(pieces) > 1:
        # The ring ends where it started: its last piece continues into its first.
        pieces[0] = pieces.pop() + pieces[0][1:]
    return pieces


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def features(topology, arcs):
    """(M49 code, polygons) for each polygon group, after merging and splitting as above."""
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        feature_code = MERGED_INTO.get(name, geometry.get("id"))
        for polygon in polygons_of(geometry):
            code = _split_code(name, arcs, polygon, feature_code)
            if code is not None and code != ANTARCTICA:
                yield code, polygon


def _split_code(name, arcs, polygon, code):
    outer = ring_points(arcs, polygon[0])
    longitude = sum(point[0] for point in outer) / len(outer)
    latitude = sum(point[1] for point in outer) / len(outer)
    for area_code, (west, south, east, north) in SPLIT_FROM.get(name, []):
        if west <= longitude <= east and south <= latitude <= north:
            return area_code
    return code


def dissolve(polygons, arcs):
    """The rings of a group of polygons (as arc references) without the borders between them.

    A border between two polygons of the group is an arc the group uses in both directions:
    it is left out, and the rest is chained again, each arc's end to the next arc's start.
    """
    rings = [ring for polygon in polygons for ring in polygon]
    refs = [ref for ring in rings for ref in ring]
    used = set(refs)
    if not any(~ref in used for ref in refs):
        return rings

    def start(ref):
        return arcs[ref][0] if ref >= 0 else arcs[~ref][-1]

    def end(ref):
        return arcs[ref][-1] if ref >= 0 else arcs[~ref][0]

    unused = [ref for ref in refs if ~ref not in used]
    chained = []
    while unused:
        ring = [unused.pop(0)]
        while end(ring[-1]) != start(ring[0]):
            following = next((ref for ref in unused if start(ref) == end(ring[-1])), None)
            if following is None:
                break
            unused.remove(following)
            ring.append(following)
        chained.append(ring)
    return chained


# --- Geometry in map units ---


def simplify(points, tolerance):
    """Douglas-Peucker, keeping both ends (the junctions other arcs share)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if length:
                offset = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                offset = math.hypot(x - x1, y - y1)
            if offset > distance:
                farthest, distance = index, offset
        if farthest is not None:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [point for point, kept in zip(points, keep) if kept]


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def centroid(points):
    """The centre of mass of a ring (its mean point if it has no area)."""
    signed = 0.0
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        cross = x1 * y2 - x2 * y1
        signed += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(signed) < 1e-9:
        return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    return cx / (3 * signed), cy / (3 * signed)


def rounded_ring(points):
    """Whole map units, without repeated points; None when nothing of the ring is left."""
    ring = []
    for x, y in points:
        point = (round(x), round(y))
        if not ring or point != ring[-1]:
            ring.append(point)
    while len(ring) > 1 and ring[-1] == ring[0]:
        ring.pop()
    if len(ring) < 3 or area(ring) < MIN_RING_AREA:
        return None
    return ring


def path_data(rings, offset_x, offset_y):
    """An SVG path: an absolute move to each ring's start, then relative lines (short numbers)."""
    parts = []
    for ring in rings:
        (x, y), rest = ring[0], ring[1:]
        numbers = []
        previous = (x, y)
        for point in rest:
            numbers += [point[0] - previous[0], point[1] - previous[1]]
            previous = point
        parts.append(f"M{x - offset_x} {y - offset_y}l" + _join(numbers) + "z")
    return "".join(parts)


def _join(numbers):
    # A minus sign separates numbers by itself: "3-2 4" is 3, -2, 4.
    return "".join(str(number) if number < 0 or index == 0 else f" {number}" for index, number in enumerate(numbers))


# --- The map ---


def load(source, resolution):
    with open(source / f"countries-{resolution}.json", encoding="utf-8") as handle:
        topology = json.load(handle)
    return topology, decode_arcs(topology)


def shapes(topology, arcs):
    """{code: [rings in unrounded map units]}, simplified arc by arc so shared borders stay shared."""
    map_arcs = [
        [simplify([to_map(*point) for point in piece], TOLERANCE) for piece in cut_at_antimeridian(arc)] for arc in arcs
    ]
    groups = {}
    for code, polygon in features(topology, arcs):
        groups.setdefault(code, []).append(polygon)
    return {
        code: [piece for refs in dissolve(polygons, arcs) for piece in ring_pieces(map_arcs, refs)]
        for code, polygons in groups.items()
    }


def largest_ring_centre(rings):
    return centroid(max(rings, key=area))


def build(source):
    countries = {}
    coarse = shapes(*load(source, "110m"))
    for code, rings in coarse.items():
        kept = [ring for ring in (rounded_ring(points) for points in rings) if ring]
        entry = {}
        if kept:
            entry["rings"] = kept
        if not kept or sum(area(ring) for ring in kept) < VISIBLE_AREA:
            entry["point"] = largest_ring_centre(rings)
        countries[code] = entry

    fine = shapes(*load(source, "50m"))
    for code, rings in fine.items():
        if code not in countries:
            countries[code] = {"point": largest_ring_centre(rings)}
    for code, (longitude, latitude) in PLACED_BY_HAND.items():
        countries.setdefault(code, {"point": to_map(longitude, latitude)})

    # Crop to what is drawn, with room for the dots.
    xs, ys = [], []
    for entry in countries.values():
        for ring in entry.get("rings", []):
            xs += [x for x, _ in ring]
            ys += [y for _, y in ring]
        if "point" in entry:
            xs.append(entry["point"][0])
            ys.append(entry["point"][1])
    left, top = math.floor(min(xs)) - MARGIN, math.floor(min(ys)) - MARGIN
    width, height = math.ceil(max(xs)) + MARGIN - left, math.ceil(max(ys)) + MARGIN - top

    data = {}
    for code in sorted(countries):
        entry = countries[code]
        output = {}
        if "rings" in entry:
            output["d"] = path_data(entry["rings"], left, top)
        if "point" in entry:
            x, y = entry["point"]
            output["point"] = [round(x - left), round(y - top)]
        data[code] = output
    return {
        "source": "world-atlas 2.0.2 (Natural Earth 4.1.0, public domain), Equal Earth projection",
        "viewBox": f"0 0 {width} {height}",
        "countries": data,
    }


def render(data):
    """One country a line, so a change to the map reads well in a diff."""
    lines = [
        "{",
        f'"source": {json.dumps(data["source"])},',
        f'"viewBox": {json.dumps(data["viewBox"])},',
        '"countries": {',
    ]
    items = [f"{json.dumps(code)}: {json.dumps(entry, sort_keys=True, separators=(',', ':'))}" for code, entry in data["countries"].items()]
    lines.append(",\n".join(items))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def render_svg(data):
    """The outlines alone, each a path named by its M49 code, for the pages to `<use>`: a static
    file that browsers cache, so a page carries only its shading."""
    paths = [
        f'<path id="m{code}" d="{entry["d"]}"/>' for code, entry in data["countries"].items() if "d" in entry
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{data["viewBox"]}">\n'
        f"<!-- {data['source']} -->\n<defs>\n" + "\n".join(paths) + "\n</defs>\n</svg>\n"
    )


class Command(BaseCommand):
    help = "Draw the world map of the Regions page (countries/data/world_map.json) from the world-atlas files."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=SOURCE, help="The folder holding countries-110m.json and countries-50m.json.")
        parser.add_argument("--output", type=Path, default=OUTPUT, help="The file to write.")
        parser.add_argument("--svg-output", type=Path, default=SVG_OUTPUT, help="The static file of outlines to write.")

    def handle(self, *args, source, output, svg_output, **options):
        data = build(source)
        text = render(data)
        output.write_text(text, encoding="utf-8")
        svg_output.write_text(render_svg(data), encoding="utf-8")
        drawn = sum(1 for entry in data["countries"].values() if "d" in entry)
        dots = sum(1 for entry in data["countries"].values() if "point" in entry)
        self.stdout.write(
            f"Wrote {output}: {len(data['countries'])} countries and areas, {drawn} outlines, {dots} dots, {len(text.encode())} bytes."
        )
