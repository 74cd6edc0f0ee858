<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml" xmlns:a="urn:a" xmlns:xlink="http://www.w3.org/1999/xlink">
<gml:featureMembers>
<a:f><a:g><gml:Curve srsDimension="3"><gml:segments><gml:LineStringSegment><gml:posList>0 0 0 1 1 1</gml:posList></gml:LineStringSegment><gml:LineStringSegment><gml:posList>1 1 1 2 0 2</gml:posList></gml:LineStringSegment></gml:segments></gml:Curve></a:g></a:f>
<a:f><a:g><gml:MultiGeometry><gml:geometryMember><gml:MultiPolygon><gml:polygonMember><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates decimal="," cs=";" ts=" ">0;0 10;0 10;10 0;0</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></gml:polygonMember></gml:MultiPolygon></gml:geometryMember><gml:geometryMember><gml:Point><gml:coord><gml:X>5</gml:X><gml:Y>5</gml:Y></gml:coord></gml:Point></gml:geometryMember></gml:MultiGeometry></a:g></a:f>
<a:f><a:g><gml:MultiCurve><gml:curveMember xlink:href="#c1"/></gml:MultiCurve></a:g></a:f>
</gml:featureMembers>
</gml:FeatureCollection>
