<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.com/app" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" numberMatched="2" numberReturned="2">
  <wfs:member>
    <app:shelter gml:id="s1">
      <gml:name>避難所</gml:name>
      <app:name>錦岡小学校</app:name>
      <app:capacity xsi:nil="true"/>
      <app:loc><gml:Point gml:id="p1" srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><gml:pos>42.55 141.4</gml:pos></gml:Point></app:loc>
    </app:shelter>
  </wfs:member>
  <wfs:member>
    <wfs:FeatureCollection><wfs:member><app:area gml:id="a1"><app:geom><gml:Surface srsName="urn:ogc:def:crs:EPSG::6668"><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing><gml:posList>42 141 42 142 43 142</gml:posList></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface></app:geom></app:area></wfs:member></wfs:FeatureCollection>
  </wfs:member>
</wfs:FeatureCollection>
