"""What the reference generators share: C source text for their tables."""


def c_list(items, indent, width=80):
    """Items joined by ', ' and wrapped at width, each line indented."""
    lines, line = [], indent
    for k, item in enumerate(items):
        piece = item + ("," if k + 1 < len(items) else "")
        if line.strip() and len(line) + 1 + len(piece) > width:
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    lines.append(line.rstrip())
    return "\n".join(lines)
