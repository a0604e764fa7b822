#!/bin/sh
# make preview: the summary workbook and the reports as a person sees them, as
# PNG pages under var/preview (LibreOffice prints them; poppler cuts the pages).
set -eu
cd "$(dirname "$0")/.."
out=var/preview
summary=${SUMMARY:-var/demo/data/demo-summary.xlsx}
reports=${REPORTS:-var/demo/data/reports}

need=""
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-calc libreoffice-writer"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
fc-list :lang=th 2>/dev/null | grep -q . || need="$need fonts-thai-tlwg"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing:$need"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
    else
        echo "make preview needs these Debian packages:$need"
        echo "install them with: sudo apt-get install$need"
        exit 1
    fi
fi

[ -f "$summary" ] || { echo "no $summary: run make demo first"; exit 1; }
rm -rf "$out"
mkdir -p "$out"
# A profile of its own: another LibreOffice running on the machine does not block this one.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$summary" >/dev/null 2>&1
for pdf in "$reports"/*.pdf; do
    [ -f "$pdf" ] && cp "$pdf" "$out/"
done
for pdf in "$out"/*.pdf; do
    stem="${pdf%.pdf}"
    pdftoppm -png -r "${DPI:-60}" "$pdf" "$stem"
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    echo "$(basename "$pdf"): $pages pages -> $stem-*.png"
done
